"""The Dask engine: identical results to the in-process engine, microdata aggregation equal to a
pandas group-by. A real local cluster (two worker processes) is started once for the module."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import smartspec as ss  # noqa: E402
from smartspec.datasets import load  # noqa: E402
from smartspec.scale import aggregate_microdata, analyse_distributed  # noqa: E402


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def nz():
    m = load("nz-urban-industry")
    return m.select(periods=list(m.periods[-3:]))


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "options",
    [{}, {"profile": "oec"}, {"profile": "ecomplexity", "knn": 5}],
    ids=["atlas", "oec", "ecomplexity-knn"],
)
def test_distributed_equals_in_process(client, nz, options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        local = ss.analyse(nz, **options)
        remote = analyse_distributed(nz, client, **options)
    for name in ("cells", "regions", "activities", "notes", "diagnostics"):
        _same(getattr(remote, name), getattr(local, name))
    assert remote.settings == local.settings
    # the arrays themselves: RCA and presence bit for bit; the matrix products to rounding
    # (a worker's BLAS uses one thread, this process two: the last rows may differ by an ulp)
    for name in ("rca", "presence", "diversity", "ubiquity"):
        np.testing.assert_array_equal(
            getattr(remote._steps, name), getattr(local._steps, name), err_msg=name
        )
    for name in ("density", "eci", "pci", "coi", "cog"):
        np.testing.assert_allclose(
            getattr(remote._steps, name),
            getattr(local._steps, name),
            rtol=1e-13,
            atol=1e-14,
            err_msg=name,
        )


def test_distributed_proximity_and_profile(client, nz):
    local = ss.analyse(nz)
    remote = analyse_distributed(nz, client)
    _same(remote.proximity, local.proximity)
    a = remote.region_profile(
        "Wellington Zone" if "Wellington Zone" in nz.regions else nz.regions[0], top=5
    )
    b = local.region_profile(a.region, top=5)
    assert a.to_dict() == b.to_dict()


def _microdata(tmp_path, n=20_000, seed=1):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "year": rng.choice([2019, 2020, 2021], n),
            "nuts": rng.choice([f"R{i:02d}" for i in range(12)], n),
            "ipc": rng.choice([f"A{i:02d}" for i in range(9)], n),
            "share": rng.random(n).round(3),
        }
    )
    folder = tmp_path / "micro"
    folder.mkdir()
    for i in range(5):
        part = df.iloc[i * n // 5 : (i + 1) * n // 5]
        part.to_parquet(folder / f"part-{i}.parquet", index=False)
    return df, folder


def test_microdata_aggregation_equals_pandas_groupby(client, tmp_path):
    df, folder = _microdata(tmp_path)
    m = aggregate_microdata(
        str(folder / "*.parquet"),
        region="nuts",
        activity="ipc",
        period="year",
        weight="share",
        client=client,
    )
    expected = df.groupby(["year", "nuts", "ipc"])["share"].sum().rename("value").reset_index()
    ref = ss.ActivityMatrix.from_long(
        expected, region="nuts", activity="ipc", value="value", period="year"
    )
    assert list(m.regions) == list(ref.regions)
    assert list(m.activities) == list(ref.activities)
    assert list(m.periods) == list(ref.periods)
    np.testing.assert_allclose(m.data.toarray(), ref.data.toarray(), rtol=1e-12)
    assert m.value_name == "share"


def test_microdata_counts_rows_without_weight(tmp_path):
    df, folder = _microdata(tmp_path, n=3000)
    m = aggregate_microdata(folder, region="nuts", activity="ipc")  # threads, no cluster
    counts = df.groupby(["nuts", "ipc"]).size().unstack(fill_value=0)
    np.testing.assert_array_equal(m.frame().to_numpy(), counts.to_numpy().astype(float))
    assert m.value_name == "count"


def test_microdata_missing_column_is_named(tmp_path):
    _, folder = _microdata(tmp_path, n=100)
    with pytest.raises(ss.ValidationError, match="nope"):
        aggregate_microdata(folder, region="nope", activity="ipc")


def test_cli_dask_engine_matches_local(client, tmp_path):
    from click.testing import CliRunner

    from smartspec.services.cli import main

    _, folder = _microdata(tmp_path, n=5000)
    address = client.scheduler.address
    runner = CliRunner()
    common = [
        "analyse",
        str(folder),
        "--region",
        "nuts",
        "--activity",
        "ipc",
        "--period",
        "year",
        "--weight",
        "share",
        "-q",
    ]
    r1 = runner.invoke(main, [*common, "--out", str(tmp_path / "local")])
    r2 = runner.invoke(
        main, [*common, "--engine", "dask", "--scheduler", address, "--out", str(tmp_path / "dask")]
    )
    assert r1.exit_code == 0, r1.output
    assert r2.exit_code == 0, r2.output
    for name in ("cells", "regions", "activities"):
        a = pd.read_csv(tmp_path / "local" / f"{name}.csv")
        b = pd.read_csv(tmp_path / "dask" / f"{name}.csv")
        _same(a, b)
