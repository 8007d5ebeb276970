"""EV capacity forecasting model (paper 003, section 3) against a Monte Carlo of individual vehicles."""

import numpy as np
import pytest
from scipy.integrate import quad

from optibench.ev import BEV, PHEV, Fleet, charging_session_kw, discharging_session_kw, soc_cdf


def test_charging_curve_matches_table2():
    """Eq. (2) with Table 2's T1, T2 at 7 kW: 25.2 / 5.04 kWh from empty; a full charge takes T2."""
    for vehicle, kwh in ((BEV, 25.2), (PHEV, 5.04)):
        t1, t2 = vehicle.t1_h, vehicle.t2_h
        power, _ = quad(lambda t, t1=t1, t2=t2: 7.0 if t <= t1 else 7.0 * (t2 - t) / (t2 - t1), 0.0, t2, points=[t1])
        assert power == pytest.approx(kwh)
        session = charging_session_kw(vehicle, np.array([0.0]), 48, 48)[0]
        assert session.sum() * 0.5 == pytest.approx(kwh)
        assert np.count_nonzero(session) == int(np.ceil(vehicle.t2_h / 0.5))  # N_c of eq. (5)


def test_discharge_from_full_lasts_t3():
    """Table 2: from a full battery to E_end = 0.5 at 7 kW takes T3 = 1.8 h (BEV), 0.36 h (PHEV)."""
    for vehicle, t3 in ((BEV, 1.8), (PHEV, 0.36)):
        session = discharging_session_kw(vehicle, np.array([1.0]), 0.5, 48, 48)[0]
        assert session.sum() * 0.5 / 7.0 == pytest.approx(t3)


def test_soc_law_is_eq6():
    """The CDF integrates eq. (6)'s density (d_R = 100.8 miles, mu = 3.20, sigma = 0.6528).

    Eq. (6) as printed is the log-normal density of d at d = d_R (1 - E); as a density of E it needs the
    Jacobian d_R, without which it would integrate to 1 / d_R.
    """
    mu, sigma, d_r = 3.20, 0.6528, BEV.range_miles

    def h(e):
        return np.exp(-((np.log(1 - e) + np.log(d_r) - mu) ** 2) / (2 * sigma**2)) / (d_r * (1 - e) * np.sqrt(2 * np.pi) * sigma)

    atom = float(soc_cdf(BEV, 0.0, mu, sigma))
    assert atom + d_r * quad(h, 0.0, 1.0)[0] == pytest.approx(1.0, rel=1e-7)
    for e in (0.3, 0.6, 0.9):
        assert float(soc_cdf(BEV, e, mu, sigma)) == pytest.approx(atom + d_r * quad(h, 0.0, e)[0], rel=1e-7)


@pytest.mark.parametrize("share", [0.8, 0.2])
def test_profile_equals_monte_carlo_mean(share):
    """Analytic expected net power within 4 standard errors of 300,000 simulated vehicles at every period."""
    rng = np.random.default_rng(3)
    fleet = Fleet(charging_only_share=share, plug_in=np.roll(np.linspace(1, 3, 48), 10) / np.linspace(1, 3, 48).sum())
    f, g = rng.random(48) ** 3, rng.random(48) ** 3
    total = f.sum() + g.sum()
    f, g = f / total, g / total
    analytic = fleet.profile(f, g).net_kw
    from optibench.ev import simulate

    mean, se = simulate(fleet, f, g, 300_000, rng)
    assert np.all(np.abs(analytic - mean) <= 4 * se)
    assert np.abs(analytic).max() > 50 * se.max()  # the test has power: the profile is far from zero


def test_flexible_cohorts():
    """Flexible-fleet model: one cohort per type with the flexible share of its vehicles, the mean SOC of eq. (6)
    (integrated here), and E[min(T_a, 48)] / 48 plugged in for T_a uniform on [T_amin, T_amax] periods."""
    fleet = Fleet(charging_only_share=0.8)
    bev, phev = fleet.cohorts()
    assert (bev.vehicles, phev.vehicles) == pytest.approx((0.2 * 1.2e6, 0.2 * 0.35e6))
    d_r = BEV.range_miles
    atom = float(soc_cdf(BEV, 0.0, 3.20, 0.6528))

    def density(e):
        return np.exp(-((np.log(1 - e) + np.log(d_r) - 3.20) ** 2) / (2 * 0.6528**2)) / ((1 - e) * np.sqrt(2 * np.pi) * 0.6528)

    assert bev.soc0 == pytest.approx(quad(lambda e: e * density(e), 0.0, 1.0)[0], rel=1e-5)
    assert atom > 0 and (bev.soc_floor, phev.soc_floor) == (0.5, phev.soc0) and phev.soc0 < 0.5
    assert bev.available == pytest.approx(23.5 / 48) and bev.max_kw == pytest.approx(0.2 * 1.2e6 * 7.0 * 23.5 / 48)
    # a window of 36-60 periods: half the time shorter than the day (mean 42), half the whole day
    assert Fleet(t_a_min=36, t_a_max=60).available_share() == pytest.approx((0.5 * 42 + 0.5 * 48) / 48)
    assert Fleet(t_a_min=50, t_a_max=60).available_share() == 1.0
    with pytest.raises(ValueError, match="t_a_min"):
        Fleet(t_a_min=10, t_a_max=5)
