#!/usr/bin/env python3
"""Benchmark `gomod-diag explain` on generated `go mod download -x` style logs.

Writes a 10 MB and a 100 MB log (successful `# get` traces for thousands of modules, then the
final error Go prints at the end), runs `gomod-diag explain FILE --json` on each a few times and
prints the median wall time, the peak RSS and whether the final error was found. Reports
numbers only; it fails (exit 1) when the error at the end is not found.

Usage: cargo build --release && scripts/bench-explain.py [path/to/gomod-diag] [--runs N]
"""
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

FINAL_ERROR = (
    'go: example.com/m@v1.0.0: Get "https://proxy.golang.org/example.com/m/@v/v1.0.0.info": '
    "dial tcp: lookup proxy.golang.org on 10.255.255.53:53: server misbehaving\n"
)
WANT = "dns.system_resolver_down"


def write_log(path, size):
    """Traces as `go mod download -x` prints them, until `size` bytes, then the final error."""
    with open(path, "w") as f:
        written, i = 0, 0
        while written < size - len(FINAL_ERROR):
            m = f"github.com/org{i % 997}/module{i}"
            v = f"v1.{i % 50}.{i % 7}"
            block = (
                f"go: downloading {m} {v}\n"
                f"# get https://proxy.golang.org/{m}/@v/{v}.info\n"
                f"# get https://proxy.golang.org/{m}/@v/{v}.info: 200 OK (0.0{i % 10}s)\n"
                f"# get https://proxy.golang.org/{m}/@v/{v}.zip\n"
                f"# get https://proxy.golang.org/{m}/@v/{v}.zip: 200 OK (0.1{i % 10}s)\n"
                f"# get https://sum.golang.org/lookup/{m}@{v}\n"
                f"# get https://sum.golang.org/lookup/{m}@{v}: 200 OK (0.2{i % 10}s)\n"
            )
            f.write(block)
            written += len(block)
            i += 1
        f.write(FINAL_ERROR)


def run_once(binary, path):
    env = dict(os.environ, GOMOD_DIAG_PUBLIC_DNS="127.0.0.1:9")
    t0 = time.monotonic()
    p = subprocess.run([binary, "explain", path, "--json"], capture_output=True, env=env)
    wall = time.monotonic() - t0
    try:
        top = json.loads(p.stdout)["causes"][0]["id"]
    except (ValueError, KeyError, IndexError):
        top = None
    return wall, p.returncode, top


def main():
    args = sys.argv[1:]
    runs = 5
    if "--runs" in args:
        i = args.index("--runs")
        runs = int(args[i + 1])
        del args[i : i + 2]
    binary = args[0] if args else "target/release/gomod-diag"
    if not os.access(binary, os.X_OK):
        sys.exit(f"bench-explain: {binary} is not an executable (build it: cargo build --release)")
    ok = True
    print(f"{'log':>8} {'median':>9} {'min':>9} {'peak RSS':>10}  final error found")
    with tempfile.TemporaryDirectory() as d:
        for mb in (10, 100):
            path = os.path.join(d, f"download-{mb}mb.log")
            write_log(path, mb * 1000 * 1000)
            walls, found = [], True
            for _ in range(runs):
                wall, code, top = run_once(binary, path)
                walls.append(wall)
                found &= code == 1 and top == WANT
            # Children's peak RSS so far: the largest run is the last size.
            rss_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            ok &= found
            print(
                f"{mb:>6}MB {statistics.median(walls) * 1000:>7.0f}ms {min(walls) * 1000:>7.0f}ms "
                f"{rss_mib:>7.1f}MiB  {'yes' if found else 'NO'}"
            )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
