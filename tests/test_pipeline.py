"""Pipeline steps: chunking, reshaping, atomic NetCDF, provenance, corruption detection."""

import os
import subprocess
import sys

import numpy as np
import pytest
import xarray as xr

from dissent import build, io, pipeline
from dissent import config as cfg

PAPERS = cfg.load_papers(cfg.paper_files("config/papers"))


@pytest.mark.parametrize(("npoints", "n"), [(10, 3), (7, 7), (1, 1), (100, 4)])
def test_chunks_partition_the_points(npoints, n):
    slices = [pipeline.chunk_slice(npoints, i, n) for i in range(n)]
    covered = np.concatenate([np.arange(npoints)[s] for s in slices])
    assert covered.tolist() == list(range(npoints))


@pytest.mark.parametrize("n", [2, 3, 5])
def test_cost_model_balances_the_chunks(n):
    """With a steep cost model (cost ~ N^3 on N = 1..60) equal point counts are far from balanced;
    cuts at equal cumulative cost are balanced to within one point's cost."""
    cost = np.arange(1.0, 61.0) ** 3
    bounds = pipeline.chunk_bounds(cost.size, n, cost)
    per_chunk = np.array([cost[a:b].sum() for a, b in zip(bounds[:-1], bounds[1:], strict=True)])
    assert bounds[0] == 0 and bounds[-1] == cost.size and np.all(np.diff(bounds) > 0)
    assert per_chunk.max() - per_chunk.min() <= cost.max()
    naive = [cost[s].sum() for s in (pipeline.chunk_slice(cost.size, i, n) for i in range(n))]
    assert max(naive) / min(naive) > 10 * per_chunk.max() / per_chunk.min()


def test_cost_model_keeps_every_chunk_non_empty():
    """One dominant point: the other chunks still get a point each and the partition is exact."""
    cost = np.ones(5)
    cost[0] = 1e6
    bounds = pipeline.chunk_bounds(5, 4, cost)
    assert bounds.tolist() == [0, 1, 2, 3, 5]
    with pytest.raises(ValueError, match="cost model"):
        pipeline.chunk_bounds(5, 2, [1.0, np.nan, 1.0, 1.0, 1.0])


def test_solve_chunk_uses_the_declared_cost_model(monkeypatch):
    """A solver's declared cost model decides where the chunks of a real grid are cut."""
    spec = cfg.figure_spec(PAPERS, "zou2022", "figS5", "quick")
    grid = pipeline.make_grid(spec["panels"]["main"], "zou2022.figS5.panels.main")
    solver = pipeline.registry.solver(spec["panels"]["main"]["solver"])
    npoints = int(grid.attrs["npoints"])
    monkeypatch.setattr(
        solver, "cost", lambda **kw: np.r_[100.0 * npoints, np.ones(npoints - 1)], raising=False
    )
    first = pipeline.solve_chunk(grid, 0, 2)
    assert (first.attrs["start"], first.attrs["stop"]) == (0, 1)


def test_chunked_solve_equals_single_solve(tmp_path):
    spec = cfg.figure_spec(PAPERS, "zou2022", "figS5", "quick")
    grid = pipeline.make_grid(spec["panels"]["main"], "zou2022.figS5.panels.main")
    one = pipeline.aggregate_panel(grid, [pipeline.solve_chunk(grid, 0, 1)])
    three = pipeline.aggregate_panel(grid, [pipeline.solve_chunk(grid, i, 3) for i in (2, 0, 1)])
    xr.testing.assert_equal(one, three)
    assert one["concurrence"].dims == ("A", "A_tilde")
    # Reshape check: the value at (A, A_tilde) is the solver's value at that point.
    A, At = float(one["A"][15]), float(one["A_tilde"][4])
    direct = pipeline.registry.solver("zou2022.steady_concurrence_saturated")(
        A=np.array([A]), A_tilde=np.array([At])
    )
    assert float(one["concurrence"][15, 4]) == pytest.approx(float(direct["concurrence"][0]))


def test_in_process_solve_equals_the_solve_job(tmp_path):
    """A panel solved in the Snakemake process (one BLAS thread, like a job) gives the same bits
    as the separate solve job, and the threads limit is lifted afterwards."""
    from threadpoolctl import threadpool_info

    spec = cfg.figure_spec(PAPERS, "bello2022", "fig3", "quick")
    grid = tmp_path / "grid.nc"
    io.write_netcdf(pipeline.make_grid(spec["panels"]["main"], "bello2022.fig3.panels.main"), grid)

    def threads():
        return {pool["filepath"]: pool["num_threads"] for pool in threadpool_info()}

    before = threads()
    pipeline.solve_in_process_job(str(grid), str(tmp_path / "in.nc"), str(tmp_path / "in.log"))
    assert {lib: n for lib, n in threads().items() if lib in before} == before
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    job = [sys.executable, "-m", "dissent.pipeline", str(grid), "0", "1", str(tmp_path / "job.nc")]
    subprocess.run(job, env=env, check=True, capture_output=True)
    inproc, separate = io.read_netcdf(tmp_path / "in.nc"), io.read_netcdf(tmp_path / "job.nc")
    xr.testing.assert_equal(inproc, separate)  # exact equality of every value
    assert "solved" in (tmp_path / "in.log").read_text()


def test_missing_chunk_is_an_error():
    spec = cfg.figure_spec(PAPERS, "zou2022", "figS5", "quick")
    grid = pipeline.make_grid(spec["panels"]["main"], "zou2022.figS5.panels.main")
    with pytest.raises(ValueError, match="cover"):
        pipeline.aggregate_panel(grid, [pipeline.solve_chunk(grid, 0, 2)])


def test_figure_dataset_contract(tmp_path):
    ds = build.run_figure(PAPERS, "zou2022", "figS4", "quick", tmp_path, n_chunks=2)
    assert ds["concurrence_a"].dims == ("A", "time")
    assert ds["concurrence_b"].dims == ("delta", "time")
    assert not io.missing_attributes(ds)
    for key in ("git_commit", "config_hash", "software"):
        assert ds.attrs[key]
    back = io.read_netcdf(tmp_path / "zou2022" / "figS4.nc")
    assert np.allclose(back["concurrence_a"], ds["concurrence_a"])
    assert (tmp_path / "zou2022" / "figS4.png").stat().st_size > 0


def test_rendering_is_deterministic(tmp_path):
    build.run_figure(PAPERS, "zou2022", "fig2", "quick", tmp_path / "one")
    build.run_figure(PAPERS, "zou2022", "fig2", "quick", tmp_path / "two")
    for ext in ("png", "pdf"):
        first = (tmp_path / "one" / "zou2022" / f"fig2.{ext}").read_bytes()
        assert first == (tmp_path / "two" / "zou2022" / f"fig2.{ext}").read_bytes()


def test_truncated_file_is_detected(tmp_path):
    path = tmp_path / "x.nc"
    io.write_netcdf(
        xr.Dataset({"v": ("i", np.arange(1000.0), {"long_name": "v", "units": "1"})}), path
    )
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(io.CorruptResultError, match="x.nc"):
        io.read_netcdf(path)


def test_unfinished_file_is_rejected(tmp_path):
    path = tmp_path / "y.nc"
    xr.Dataset({"v": ("i", np.arange(3.0))}).to_netcdf(path)
    with pytest.raises(io.CorruptResultError, match="not marked complete"):
        io.read_netcdf(path)


def test_failed_write_leaves_no_file(tmp_path):
    path = tmp_path / "z.nc"
    with pytest.raises(TypeError, match="complex"):
        io.write_netcdf(xr.Dataset({"v": ("i", np.ones(2, complex))}), path)
    assert list(tmp_path.iterdir()) == []


def test_an_orphaned_solve_job_does_not_write_its_chunk(tmp_path):
    """A solve job whose Snakemake process was killed (SIGKILL leaves its jobs running) must not
    write its output later; one whose run is alive, or that runs on another host, does."""
    import socket

    spec = cfg.figure_spec(PAPERS, "zou2022", "fig2", "quick")
    grid = tmp_path / "grid.nc"
    io.write_netcdf(pipeline.make_grid(spec["panels"]["main"], "zou2022.fig2.panels.main"), grid)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    host = socket.gethostname()
    for owner, written in [
        (f"{host}:{dead.pid}", False),
        (f"{host}:{os.getpid()}", True),
        (f"elsewhere:{dead.pid}", True),
    ]:
        out = tmp_path / f"{written}-{owner.split(':')[0]}.nc"
        job = [sys.executable, "-m", "dissent.pipeline", str(grid), "0", "1", str(out)]
        run = subprocess.run(
            job, env={**os.environ, pipeline.OWNER: owner}, capture_output=True, text=True
        )
        assert out.exists() == written, (owner, run.stderr)
        if not written:
            assert run.returncode != 0 and "the run that started this job is gone" in run.stderr


def test_long_names_shared_across_panels_name_their_panels():
    """ncview and Panoply list variables by long_name: two panels' "concurrence" must differ, a
    coordinate every panel holds keeps its name."""
    from dissent.io import cf_variable
    from dissent.pipeline import distinct_long_names

    def panel(var):
        return xr.Dataset(
            {var: cf_variable("T", [0.1, 0.2], "steady-state concurrence")},
            coords={"T": cf_variable("T", [0.5, 0.9], "transmission T")},
        )

    out = distinct_long_names({"relax": panel("c_relax"), "dephase": panel("c_dephase")})
    assert out["relax"]["c_relax"].attrs["long_name"] == "steady-state concurrence (panel relax)"
    assert out["dephase"]["c_dephase"].attrs["long_name"].endswith("(panel dephase)")
    assert out["relax"]["T"].attrs["long_name"] == "transmission T"


def test_a_flag_carries_its_values_and_meanings():
    from dissent.io import cf_flag

    flag = cf_flag("point", [True, False], "physical region", {0: "masked", 1: "physical"})
    assert flag.dtype == np.int8 and list(flag.values) == [1, 0]
    assert list(flag.attrs["flag_values"]) == [0, 1] and flag.attrs["flag_meanings"] == (
        "masked physical"
    )
    with pytest.raises(ValueError, match="single words"):
        cf_flag("point", [1], "x", {1: "two words"})


def test_build_outside_the_repository_says_what_is_missing(tmp_path, monkeypatch, capsys):
    """Not a schema message about an empty mapping: the paper files and the option to name them."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit):
        build.main(["zou2022", "fig2", "--quick"])
    err = capsys.readouterr().err
    assert "no paper files (*.yaml) in config/papers" in err and "--papers-dir" in err
