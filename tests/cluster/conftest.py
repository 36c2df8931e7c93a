def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slurm: runs the workflow on a real one-node SLURM cluster (root + apt-get)"
    )
