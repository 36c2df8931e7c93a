"""Shared fixtures."""

import pytest
from quickdata import QuickData


@pytest.fixture(scope="session")
def quick_data(tmp_path_factory):
    """quick_data(paper, figure) -> the figure's quick dataset (see tests/quickdata.py)."""
    return QuickData(tmp_path_factory.mktemp("quick-data"))
