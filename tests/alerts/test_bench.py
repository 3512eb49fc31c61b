from bench.kimp import bench_events, bench_raw, main


def test_bench_runs_and_keeps_the_view(capsys) -> None:  # type: ignore[no-untyped-def]
    rate, lat = bench_raw(50, 20_000, 5)
    assert rate > 10_000 and len(lat) == 20_000
    assert bench_events(50, 5_000) > 10_000
    main(["--coins", "20", "--updates", "20000"])
    out = capsys.readouterr().out
    assert "updates/s" in out and "latency per update" in out
