"""Shared command line and timing protocol of the mbench reference adapters.

Every adapter is called as

    python3 <adapter>.py --input X.npy --output Y.npy --seed S [--threads T] [--param key=value ...]

reads X (n x d), writes Y (n x c, float32), and prints one JSON line on
standard output:

    {"phases": [{"name": "import", "wall": s, "cpu": s}, {"name": "fit", ...}],
     "versions": {...}, "warnings": [...]}

so mbench can separate the library's own fit time from interpreter start-up,
imports and JIT compilation. A missing package is reported as
{"error": "missing_package", "package": ..., "install": "pip install ..."} with
exit status 3.
"""
import argparse
import json
import sys
import time


def parse_value(text):
    """'15' -> 15, '0.1' -> 0.1, 'true' -> True, anything else stays text."""
    lowered = text.lower()
    if lowered in ("true", "yes"):
        return True
    if lowered in ("false", "no"):
        return False
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def arguments():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--param", action="append", default=[], help="key=value (repeatable)")
    args = parser.parse_args()
    params = {}
    for item in args.param:
        key, sep, value = item.partition("=")
        if not sep or not key:
            fail("--param must look like key=value, got %r" % item)
        params[key] = parse_value(value)
    args.params = params
    return args


def fail(message, status=2):
    print(json.dumps({"error": message}))
    sys.stdout.flush()
    sys.exit(status)


def missing_package(package, install):
    print(json.dumps({"error": "missing_package", "package": package, "install": install}))
    sys.stdout.flush()
    sys.exit(3)


class Phases:
    """Wall and process-CPU seconds of consecutive named phases."""

    def __init__(self):
        self.phases = []

    def measure(self, name, body):
        wall, cpu = time.perf_counter(), time.process_time()
        result = body()
        self.phases.append({"name": name, "wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu})
        return result

    def report(self, versions, warnings=(), diagnostics=None):
        diagnostics = dict(diagnostics or {})
        peak = own_peak_rss_bytes()
        if peak is not None:
            diagnostics["reference_own_peak_rss_bytes"] = float(peak)
        print(json.dumps({"phases": self.phases, "versions": versions, "warnings": list(warnings),
                          "diagnostics": diagnostics}))
        sys.stdout.flush()


def own_peak_rss_bytes():
    """This process's own peak resident set size (VmHWM of its address space), or None.

    Not getrusage's ru_maxrss: the kernel carries the high-water mark of the process that
    started this one (mbench's worker, which holds the data) into ru_maxrss at exec, while
    VmHWM belongs to this program's own address space alone."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def take(params, key, default):
    """Removes and returns params[key] (default when absent)."""
    return params.pop(key, default)


def write_embedding(numpy, path, embedding):
    numpy.save(path, numpy.ascontiguousarray(embedding, dtype=numpy.float32))
