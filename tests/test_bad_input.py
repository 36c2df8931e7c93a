"""The bad-input drill: configuration files that must stop the workflow before any job.

Each case is the text of a configuration file given with ``--configfile`` (or the text of a
paper file); it runs through what the Snakefile runs before any job (``load_workflow_config``,
which also rereads the given files strictly). Every case must raise ConfigError whose message
starts with the key named here: none may be accepted, none may raise anything else (a
traceback). A few run end to end in tests/test_faults.py. ``python tests/test_bad_input.py``
prints the counts.
"""

from __future__ import annotations

import copy
import shutil
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from dissent import config as cfg  # noqa: E402

SCHEMA = ROOT / "workflow/schemas/config.schema.yaml"
FIG2 = "figures: {zou2022: {fig2: %s}}"  # an override of zou2022 fig2
PANEL = FIG2 % "{panels: {main: %s}}"
PARAMS = PANEL % "{params: {%s}}"
GRID = PANEL % "{grid: {delta: %s}}"
HOU = "figures: {hou2025: {fig1: {panels: {main: {params: {%s}}}}}}"
BOZ = "figures: {bozkurt2025: {fig3: %s}}"
SOLVER = "{solver: zou2022.concurrence_dynamics, params: {a: 1.0, A: 1.0, time: [0.0, 1.0]}}"
FULL_FIGURE = "{title: t, panels: {main: " + SOLVER + "}}"

# (configuration text, key the message must start with)
CASES = [
    # --- YAML itself: what YAML 1.1 reads otherwise, duplicate keys, templating
    ("chunks: 1\nchunks: 2", "chunks: duplicate key"),
    ("figures:\n  zou2022:\n    fig2: {chunks: 1}\n    fig2: {chunks: 2}", "figures.zou2022.fig2"),
    ("check: {rtol: 1.0e-6, rtol: 1.0e-3, atol: 0.0, image_rms: 1.0}", "check.rtol"),
    ("chunks: 010", "chunks: '010'"),
    ("chunks: 01001", "chunks: '01001'"),
    ("chunks: 1:30", "chunks: '1:30'"),
    ("chunks: 1_0", "chunks: '1_0'"),
    (PARAMS % "a: 1:30.5", "figures.zou2022.fig2.panels.main.params.a"),
    (PARAMS % "a: 0:59", "zou2022.fig2.panels.main.params.a: expected a finite number"),
    (PANEL % "{in_process: yes}", "figures.zou2022.fig2.panels.main.in_process"),
    (PANEL % "{in_process: off}", "figures.zou2022.fig2.panels.main.in_process"),
    (PANEL % "{in_process: NO}", "figures.zou2022.fig2.panels.main.in_process"),
    (GRID % "{values: [01, 02]}", "figures.zou2022.fig2.panels.main.grid.delta.values.0"),
    ("__use_yte__: true\nchunks: 1", "__use_yte__"),
    ("__use_yte__: false", "__use_yte__"),
    # --- names: patterns, and nothing reaches a shell
    ('figures: {"zz`touch INJECTED`": ' + "{fig1: " + FULL_FIGURE + "}}", "zz`touch INJECTED`"),
    ('figures: {"zou2022; rm -rf x": {}}', "zou2022; rm -rf x"),
    ('figures: {"$(id)": {}}', "$(id)"),
    ('figures: {"a b": {}}', "a b"),
    ('figures: {"2022zou": {}}', "2022zou"),
    ('figures: {"zou.2022": {}}', "zou.2022"),
    ('figures: {"zou/2022": {}}', "zou/2022"),
    ('figures: {"": {}}', ""),
    ('figures: {zou2022: {"fig`id`": ' + FULL_FIGURE + "}}", "zou2022.fig`id`"),
    ('figures: {zou2022: {"fig 2": {}}}', "zou2022.fig 2"),
    ('figures: {zou2022: {"fig2/../x": {}}}', "zou2022.fig2/../x"),
    ('figures: {zou2022: {"fig2*": {}}}', "zou2022.fig2*"),
    (FIG2 % ('{panels: {"ma$(id)in": ' + SOLVER + "}}"), "zou2022.fig2.panels.ma$(id)in"),
    (FIG2 % ('{panels: {"main;ls": ' + SOLVER + "}}"), "zou2022.fig2.panels.main;ls"),
    (FIG2 % ('{panels: {"": ' + SOLVER + "}}"), "zou2022.fig2.panels."),
    (PANEL % '{grid: {"del`id`ta": {values: [1.0]}}}', "zou2022.fig2.panels.main.grid.del`id`ta"),
    (PANEL % '{params: {"a;b": 1.0}}', "zou2022.fig2.panels.main.params.a;b"),
    (PANEL % "{rename: {concurrence: ''}}", "zou2022.fig2.panels.main.rename.concurrence"),
    (PANEL % "{rename: {concurrence: 'c d'}}", "zou2022.fig2.panels.main.rename.concurrence"),
    (PANEL % "{rename: {concurrence: 'c`id`'}}", "zou2022.fig2.panels.main.rename.concurrence"),
    (PANEL % "{rename: {'con cur': c}}", "zou2022.fig2.panels.main.rename.con cur"),
    (FIG2 % "{data: 'fig`id`'}", "zou2022.fig2"),
    ("papers: ['zou2022`id`']", "papers.0"),
    ("papers: ['zou2022; ls']", "papers.0"),
    # --- typos: a paper or figure that does not exist, with or without a complete body
    ("figures: {zou2O22: {fig2: {chunks: 2}}}", "zou2O22: figures: overrides a paper"),
    ("figures: {hou2O25: {fig1: " + FULL_FIGURE + "}}", "hou2O25: figures: overrides a paper"),
    ("figures: {zou2022: {fg2: {chunks: 2}}}", "zou2022.fg2: figures: overrides a figure"),
    ("figures: {zou2022: {fig9: " + FULL_FIGURE + "}}", "zou2022.fig9: figures: overrides"),
    ("figures: {zou2022: {fig99: {title: 'no such figure'}}}", "zou2022.fig99"),
    ("figures: {Zou2022: {}}", "Zou2022: figures: overrides a paper"),
    ("papers: [zou2O22]", "papers.0: 'zou2O22' is not a valid name"),
    ("papers: [zou2023]", "papers: unknown paper 'zou2023'"),
    ("papers: [nosuch2020]", "papers: unknown paper"),
    ("papers: []", "papers: empty list"),
    ("papers: zou2022", "papers: 'zou2022' is not of type 'array'"),
    ("papers: [zou2022, zou2022]", "papers: "),
    ("paper_configs: no/such/directory", "paper_configs: 'no/such/directory'"),
    ("paper_configs: 7", "paper_configs: 7 is not of type 'string'"),
    # --- chunks: a count that is clipped would plan jobs nobody asked for
    ("chunks: 0", "chunks"),
    ("chunks: -1", "chunks"),
    ("chunks: 100000", "chunks: 100000 is greater than the maximum"),
    ("chunks: 2.5", "chunks"),
    ("chunks: two", "chunks"),
    ("chunks: true", "chunks"),
    (FIG2 % "{chunks: 5}", "zou2022.fig2.chunks: 5 solve jobs for 4 grid points"),
    (FIG2 % "{chunks: 100000}", "zou2022.fig2.chunks: 100000 solve jobs"),
    (PANEL % "{chunks: 5}", "zou2022.fig2.panels.main.chunks"),
    (PANEL % "{chunks: 0}", "zou2022.fig2.panels.main.chunks"),
    (FIG2 % "{quick: {panels: {main: {chunks: 2}}}}", "zou2022.fig2.quick.panels.main.chunks"),
    (FIG2 % "{quick: {chunks: 9}}", "zou2022.fig2.quick.chunks: 9 solve jobs"),
    (
        "figures: {hou2025: {fig1: {chunks: 100000}}}",
        "hou2025.fig1.chunks: 100000 solve jobs for 40401 grid points",
    ),
    (
        "figures: {bello2022: {figD4: {panels: {me: {chunks: 100000}}}}}",
        "bello2022.figD4.panels.me.chunks: 100000 solve jobs",
    ),
    # --- global settings
    ("chunk: 2", "<top level>"),
    ("check: {rtol: tight, atol: 0.0, image_rms: 1.0}", "check.rtol"),
    ("check: {rtol: -1.0, atol: 0.0, image_rms: 1.0}", "check.rtol"),
    ("check: {rtol: 1.0e-6, atol: 0.0, image_rms: 0}", "check.image_rms"),
    ("check: {rtol: 1.0e-6, atol: 0.0, image_rms: 1.0, extra: 1}", "check"),
    ("solve_resources: {mem_mb: 0, runtime: 10}", "solve_resources.mem_mb"),
    ("solve_resources: {mem_mb: 1000, runtime: ten}", "solve_resources.runtime"),
    ("baselines: 5", "baselines"),
    ("figures: [zou2022]", "figures"),
    # --- figures: what they are made of
    (FIG2 % "{data: fig3}", "zou2022.fig2: a figure has exactly one of 'panels'"),
    ("figures: {bello2022: {figE2: {data: figE2}}}", "bello2022.figE2.data"),
    ("figures: {bello2022: {figE2: {data: nosuch}}}", "bello2022.figE2.data"),
    ("figures: {bello2022: {figE2: {data: ''}}}", "bello2022.figE2.data"),
    ("figures: {bello2022: {figE2: {data: [fig4]}}}", "bello2022.figE2.data"),
    (FIG2 % "{render: zou2022.nothing}", "zou2022.fig2.render"),
    (FIG2 % "{render: zou2022}", "zou2022.fig2.render"),
    (FIG2 % "{render: os.system}", "zou2022.fig2.render"),
    (FIG2 % "{render: zou2022.concurrence_dynamics}", "zou2022.fig2.render"),
    (FIG2 % "{title: [a, b]}", "zou2022.fig2.title"),
    (FIG2 % "{caption: 3}", "zou2022.fig2.caption"),
    (FIG2 % "{tables: [pdf]}", "zou2022.fig2.tables.0"),
    (FIG2 % "{tables: [csv]}", "zou2022.fig2.tables"),
    (FIG2 % "{resources: {mem_mb: -5}}", "zou2022.fig2.resources.mem_mb"),
    (FIG2 % "{colour: red}", "zou2022.fig2"),
    (FIG2 % "{render_options: {nosuch: 1}}", "zou2022.fig2.render_options.nosuch"),
    (FIG2 % "{check: {variables: {concurrence: {}}}}", "zou2022.fig2.check.variables"),
    (FIG2 % "{check: {variables: {concurrence: {skp: x}}}}", "zou2022.fig2.check.variables"),
    (FIG2 % "{check: {image: {rms: -1}}}", "zou2022.fig2.check.image.rms"),
    (FIG2 % "{check: {image: {skip: ''}}}", "zou2022.fig2.check.image.skip"),
    # --- checked against the declared outputs of the solvers (before any job)
    (PANEL % "{rename: {concurence: c}}", "zou2022.fig2.panels.main.rename.concurence"),
    (PANEL % "{rename: {concurrence: singlet_population}}", "zou2022.fig2.panels.main.rename"),
    (PANEL % "{rename: {concurrence: x, singlet_population: x}}", "zou2022.fig2.panels.main"),
    (PANEL % "{rename: {concurrence: delta}}", "zou2022.fig2.panels.main.rename.concurrence"),
    (FIG2 % "{render: zou2022.figS5}", "zou2022.fig2.render: 'zou2022.figS5' draws figS5"),
    (FIG2 % "{render: zou2022.fig3}", "zou2022.fig2.render: 'zou2022.fig3' draws fig3"),
    (FIG2 % "{check: {variables: {nosuch: {skip: x}}}}", "zou2022.fig2.check.variables.nosuch"),
    (
        FIG2 % "{check: {variables: {concurrence: {where: nosuch}}}}",
        "zou2022.fig2.check.variables.concurrence.where",
    ),
    (
        FIG2 % "{quick: {check: {variables: {concurence: {rtol: 1.0e-3}}}}}",
        "zou2022.fig2.quick.check.variables.concurence",
    ),
    (
        "figures: {bozkurt2025: {fig8: {check: {variables: {thetaa: {skip: x}}}}}}",
        "bozkurt2025.fig8.check.variables.thetaa",
    ),  # a figure drawing another's data: that figure's variables
    (
        FIG2 % "{check: {image: {skip: x}, variables: {concurrence: {skip: x}, "
        "singlet_population: {skip: x}, delta: {skip: x}, time: {skip: x}, "
        "concurrence_analytic: {skip: x}}}}",
        "zou2022.fig2.check: every variable and every image is skipped",
    ),
    # --- panels and their parameters
    (PANEL % "{solver: zou2022.nothing}", "zou2022.fig2.panels.main.solver"),
    (PANEL % "{solver: zou2022.__class__}", "zou2022.fig2.panels.main.solver"),
    (PANEL % "{solver: os.system}", "zou2022.fig2.panels.main.solver"),
    (PANEL % "{solver: nosuchmodule.f}", "zou2022.fig2.panels.main.solver"),
    (PANEL % "{companion: zou2022.concurrence_dynamics}", "zou2022.fig2.panels.main.companion"),
    (PANEL % "{in_process: true, chunks: 2}", "zou2022.fig2.panels.main.chunks"),
    (PANEL % "{gird: {delta: {values: [1.0]}}}", "zou2022.fig2.panels.main"),
    (PARAMS % "a: -1.0", "zou2022.fig2.panels.main.params.a"),
    (PARAMS % "a: .nan", "zou2022.fig2.panels.main.params.a"),
    (PARAMS % "a: .inf", "zou2022.fig2.panels.main.params.a"),
    (PARAMS % "a: abc", "zou2022.fig2.panels.main.params.a"),
    (PARAMS % "a: [1.0, 2.0]", "zou2022.fig2.panels.main.params.a"),
    (PARAMS % "a: [[1.0]]", "zou2022.fig2.panels.main.params.a"),
    (PARAMS % "a: {foo: 1}", "zou2022.fig2.panels.main.params.a"),
    (PARAMS % "a: true", "zou2022.fig2.panels.main.params.a"),
    (PARAMS % "boltzmann: 1.5", "zou2022.fig2.panels.main.params.boltzmann"),
    (PARAMS % "A: 2.0", "zou2022.fig2.panels.main.params.A"),
    (PARAMS % "aa: 1.0", "zou2022.fig2.panels.main.params.aa"),
    (PARAMS % "time: {linspace: [0.0, 4.0, 0]}", "zou2022.fig2.panels.main.params.time"),
    (PARAMS % "time: {linspace: [4.0, 0.0, 5]}", "zou2022.fig2.panels.main.params.time"),
    (PARAMS % "time: {linspace: [0.0, 4.0, 1.0e9]}", "zou2022.fig2.panels.main.params.time"),
    (PARAMS % "time: [0.0, -1.0]", "zou2022.fig2.panels.main.params.time"),
    (GRID % "{values: []}", "zou2022.fig2.panels.main.grid.delta"),
    (GRID % "{values: [1.0, 1.0]}", "zou2022.fig2.panels.main.grid.delta"),
    (GRID % "{values: [.nan]}", "zou2022.fig2.panels.main.grid.delta"),
    (GRID % "{values: [a]}", "zou2022.fig2.panels.main.grid.delta"),
    (GRID % "{linspace: [0, 1]}", "zou2022.fig2.panels.main.grid.delta"),
    (GRID % "{values: [1.0], linspace: [0, 1, 3]}", "zou2022.fig2.panels.main.grid.delta"),
    (GRID % "{logspace: [0, 400, 3]}", "zou2022.fig2.panels.main.grid.delta"),
    (GRID % "7", "zou2022.fig2.panels.main.grid.delta"),
    (
        "figures: {zou2022: {figS5: {panels: {main: {grid: "
        "{A: {linspace: [0.0, 1.0, 10000]}, A_tilde: {linspace: [0.0, 1.0, 10000]}}}}}}}",
        "zou2022.figS5.panels.main.grid",
    ),
    (HOU % "ratio: 1.5", "hou2025.fig1.panels.main.params.ratio"),
    (HOU % "relative_sign: 0.5", "hou2025.fig1.panels.main.params.relative_sign"),
    (HOU % "relative_sign: abc", "hou2025.fig1.panels.main.params.relative_sign"),
    (
        "figures: {hou2025: {fig4: {panels: {curves: {params: {lambda_ratio: -1.0}}}}}}",
        "hou2025.fig4.panels.curves",
    ),
    (BOZ % "{panels: {map: {grid: {T: {values: [0.5, 1.5]}}}}}", "bozkurt2025.fig3.panels"),
    (  # a paper not selected: its figures can still be built by naming their files
        "papers: [zou2022]\nfigures: {bozkurt2025: {fig2: {panels: {main: {grid: "
        "{T1: {values: [-5, 7]}}}}}}}",
        "bozkurt2025.fig2.panels",
    ),
    (
        "figures: {bozkurt2025: {fig2: {panels: {main: {grid: {T1: {values: [-5, 7]}}}}}}}",
        "bozkurt2025.fig2.panels",
    ),
]


def _config(text: str, tmp_path: Path) -> tuple[dict, Path]:
    """The workflow's configuration with ``text`` given as a --configfile (as Snakemake merges
    it), and that file."""
    base = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    base["paper_configs"] = str(ROOT / "config/papers")
    path = tmp_path / "override.yaml"
    path.write_text(text + "\n")
    try:
        override = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        override = {}
    config = copy.deepcopy(base)
    if isinstance(override, dict):
        for key, value in override.items():  # Snakemake's update_config: mappings merged
            if isinstance(value, dict) and isinstance(config.get(key), dict):
                config[key] = cfg.deep_merge(config[key], value)
            else:
                config[key] = value
    return config, path


def outcome(text: str, tmp_path: Path) -> str | None:
    """The ConfigError message of a configuration text, or None if it was accepted (any other
    exception propagates: a traceback is a failure of the drill)."""
    config, path = _config(text, tmp_path)
    try:
        cfg.load_workflow_config(config, SCHEMA, configfiles=[path])
    except cfg.ConfigError as exc:
        return str(exc)
    return None


@pytest.mark.parametrize(("text", "key"), CASES, ids=[f"{i}:{k}" for i, (_, k) in enumerate(CASES)])
def test_bad_input_is_refused_naming_its_key(text, key, tmp_path):
    message = outcome(text, tmp_path)
    assert message is not None, f"accepted: {text}"
    assert message.startswith(key), message


def test_the_drill_is_large_enough():
    assert len(CASES) >= 100 and len({t for t, _ in CASES}) == len(CASES)


PAPER_FILE_CASES = [
    # (edit of config/papers/zou2022.yaml: old text -> new text, key)
    (("  fig3:\n", "  fig2:\n    title: again\n  fig3:\n"), "zou2022.fig2: duplicate key"),
    (("          a: 1.0\n", "          a: 1.0\n          a: 2.0\n"), "zou2022.fig2.panels.main."),
    (("          a: 1.0\n", "          a: 01\n"), "zou2022.fig2.panels.main.params.a"),
    (("zou2022:\n", "zou2022`touch INJECTED`:\n"), "zou2022`touch INJECTED`"),
    (("zou2022:\n", "__use_yte__: true\nzou2022:\n"), "__use_yte__"),
]


@pytest.mark.parametrize(("edit", "key"), PAPER_FILE_CASES, ids=[k for _, k in PAPER_FILE_CASES])
def test_bad_paper_files_are_refused_naming_their_key(edit, key, tmp_path):
    papers = tmp_path / "papers"
    shutil.copytree(ROOT / "config/papers", papers)
    path = papers / "zou2022.yaml"
    old, new = edit
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new, 1))
    config, _ = _config("", tmp_path)
    config["paper_configs"] = str(papers)
    with pytest.raises(cfg.ConfigError) as err:
        cfg.load_workflow_config(config, SCHEMA)
    assert str(err.value).startswith(key), err.value


if __name__ == "__main__":
    import tempfile

    refused = accepted = other = 0
    with tempfile.TemporaryDirectory() as tmp:
        for text, key in CASES:
            try:
                message = outcome(text, Path(tmp))
            except Exception as exc:  # noqa: BLE001 - counted: a traceback is a failure
                other += 1
                print(f"TRACEBACK {type(exc).__name__}: {text}")
                continue
            if message is None:
                accepted += 1
                print(f"ACCEPTED: {text}")
            elif message.startswith(key):
                refused += 1
            else:
                other += 1
                print(f"WRONG KEY: {text}\n  {message}")
    print(
        f"{len(CASES)} cases: {refused} refused naming the key, {accepted} accepted, {other} other"
    )
