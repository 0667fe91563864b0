"""The per-username brake and who needs a second factor (ejamkesda/rules/signin.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ejamkesda.rules.signin import FACTOR_ROLES, second_factor_required, username_brake

counts = st.integers(min_value=0, max_value=200)


@given(failures=counts, since=st.floats(min_value=0, max_value=10_000), slow=counts, extra=st.integers(1, 100))
def test_brake_is_none_below_slowdown_and_locked_from_lock(failures, since, slow, extra):
    lock = slow + extra
    brake = username_brake(failures=failures, seconds_since_last=since, slowdown_after=slow, lock_after=lock)
    if failures >= lock:
        assert brake.locked
    elif failures < slow:
        assert not brake.locked and brake.wait_seconds == 0
    else:
        assert not brake.locked and 0 <= brake.wait_seconds <= 300


@given(failures=st.integers(10, 28), since=st.floats(min_value=0, max_value=100))
def test_the_wait_grows_with_failures_and_shrinks_with_time(failures, since):
    def wait(f, s):
        return username_brake(failures=f, seconds_since_last=s, slowdown_after=10, lock_after=30).wait_seconds

    assert wait(failures + 1, since) >= wait(failures, since)
    assert wait(failures, since + 1) <= wait(failures, since)
    assert wait(failures, 0) >= 2


def test_the_wait_is_over_once_the_pause_has_passed():
    assert username_brake(failures=10, seconds_since_last=2.5, slowdown_after=10, lock_after=30).wait_seconds == 0
    assert username_brake(failures=12, seconds_since_last=0, slowdown_after=10, lock_after=30).wait_seconds == 8


@given(
    role=st.sampled_from(["upt_admin", "upt_verifier", "treasurer", "ppk_operator", "opd_operator", "viewer", ""]),
    superuser=st.booleans(),
    all_roles=st.booleans(),
    device=st.booleans(),
)
def test_second_factor_required(role, superuser, all_roles, device):
    required = second_factor_required(role=role, is_superuser=superuser, all_roles=all_roles, has_device=device)
    assert required == (superuser or role in FACTOR_ROLES or all_roles or device)
    if role in {"upt_admin", "upt_verifier", "treasurer"} or superuser:
        assert required
