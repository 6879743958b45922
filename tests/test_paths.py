import pytest

from desk.db import make_engine
from desk.errors import NetworkPathError
from desk.paths import sqlite_url


@pytest.mark.parametrize("path", [r"\\server\share\cadesk.sqlite3", "//server/share/cadesk.sqlite3"])
def test_a_unc_path_stays_a_unc_path_and_is_refused(path: str) -> None:
    url = sqlite_url(path)
    assert "//server/share/cadesk.sqlite3" in url
    with pytest.raises(NetworkPathError, match="网络共享"):
        make_engine(url)
