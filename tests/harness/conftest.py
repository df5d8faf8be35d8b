"""pytest's setup for the harness self-tests (gate 90 runs them with
"python3 -m pytest tests/harness")."""
import pytest


@pytest.fixture
def put(tmp_path):
    """put(NAME, TEXT): TEXT written to a file of the test's own, its path."""
    def write(name, text):
        path = tmp_path / name
        path.write_text(text)
        return str(path)
    return write
