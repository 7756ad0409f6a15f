"""Run every benchmark workload on NumPy, tensorlab (each mode) and PyTensor; print one table.

    .venv/bin/python bench/run.py                       # everything, about 4 minutes idle
    .venv/bin/python bench/run.py --quick               # lengths / 10: a smoke run
    .venv/bin/python bench/run.py --workloads W1,W3 --modes numba --repeat 9 --no-pytensor

Each library runs in worker processes of its own (PyTensor in bench/.venv-pytensor, made by
bench/setup_pytensor.sh), single-threaded and pinned to one core. Compile rows run in fresh
processes with an empty temporary cache; warm starts reuse that cache in another new one.
See bench/README.md for what each row measures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from workloads import SIZES, STEADY

HERE = Path(__file__).resolve().parent
PYTENSOR_PYTHON = HERE / ".venv-pytensor" / "bin" / "python"
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMBA_NUM_THREADS",
)
# Set on some machines so that old OpenBLAS builds work; they make a current one pick a
# slower kernel, so the benchmark processes run without them (tests and CI keep them).
BLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
COLD = ("W5", "W3", "W4", "W7")  # compiled from an empty cache in a fresh process
WARM = ("W3", "W4")  # then started again with the cache filled
WORKER_TIMEOUT = 240  # a compile this slow is a finding in itself; keep the run short


@dataclass
class Subject:
    """One column of the table: a library (and tensorlab mode) and how to start its workers."""

    label: str
    python: str
    script: str
    variant: str = ""
    env: dict = field(default_factory=dict)  # added to every worker's environment
    results: dict = field(default_factory=dict)  # (workload, kind) -> worker's answer
    about: dict = field(default_factory=dict)  # versions and BLAS, as a worker saw them


def benchmark_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in BLAS_OVERRIDES}
    env.update(dict.fromkeys(THREAD_VARIABLES, "1"))
    return env


def cache_env(env: dict[str, str], folder: str) -> dict[str, str]:
    """`env` with every compile cache of every library under `folder`."""
    # PyTensor keeps its numba cache in base_compiledir, not compiledir.
    flags = f"base_compiledir={folder}/pytensor,compiledir={folder}/pytensor/compiledir"
    return {
        **env,
        "TENSORLAB_CACHE_DIR": f"{folder}/tensorlab",
        "NUMBA_CACHE_DIR": f"{folder}/numba",
        "PYTENSOR_FLAGS": flags,
    }


def run_worker(subject: Subject, env: dict[str, str], args: list[str]) -> dict:
    command = [subject.python, str(HERE / subject.script), *args]
    if subject.variant:
        command += ["--variant", subject.variant]
    try:
        done = subprocess.run(
            command,
            env={**env, **subject.env},
            capture_output=True,
            text=True,
            timeout=WORKER_TIMEOUT,
            cwd=HERE,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"no answer within {WORKER_TIMEOUT} s"}
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        return {"error": lines[-1][:300]}
    try:  # the answer is the last line: a library may have printed before it
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"error": f"no JSON answer; it printed {done.stdout[-200:]!r}"}


def measure(subject: Subject, options: argparse.Namespace, env: dict[str, str]) -> None:
    size = ["--size", "quick" if options.quick else "full"]
    steady = [w for w in options.workloads if w in STEADY]
    with tempfile.TemporaryDirectory(prefix="tensorlab-bench-") as root:
        if steady:
            progress(f"{subject.label}: {', '.join(steady)}")
            args = ["--task", "steady", "--workloads", ",".join(steady), *size]
            args += ["--repeat", str(options.repeat)]
            result = run_worker(subject, env, args)
            for workload in steady:
                subject.results[workload, "steady"] = result.get("workloads", {}).get(
                    workload, result
                )
            subject.about = result
        for workload in (w for w in COLD if w in options.workloads):
            if workload == "W5" and subject.label == "NumPy":
                continue  # NumPy compiles nothing
            if options.quick and subject.label == "PyTensor":
                # Its compile times do not shrink with the sizes: about a minute here.
                why = "PyTensor's compile rows are skipped with --quick (about a minute)"
                subject.results[workload, "cold"] = subject.results[workload, "warm"] = {
                    "skipped": why
                }
                continue
            folder = f"{root}/{workload}"
            args = ["--task", "cold", "--workloads", workload, *size]
            progress(f"{subject.label}: {workload} in a fresh process, empty cache")
            subject.results[workload, "cold"] = run_worker(subject, cache_env(env, folder), args)
            subject.about = subject.about or subject.results[workload, "cold"]
            if workload in WARM:
                progress(f"{subject.label}: {workload} in a fresh process, cache filled")
                subject.results[workload, "warm"] = run_worker(
                    subject, cache_env(env, folder), args
                )


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def pin_to_one_core(cpu: int | None) -> int:
    """Pin this process, and so every worker it starts, to one core."""
    allowed = sorted(os.sched_getaffinity(0))
    cpu = allowed[-1] if cpu is None else cpu
    os.sched_setaffinity(0, {cpu})
    return cpu


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    from tensorlab.compile.mode import BACKENDS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", default="W1,W2,W3,W4,W5,W6,W7")
    parser.add_argument("--modes", default=",".join(BACKENDS), help="tensorlab modes")
    parser.add_argument("--repeat", type=int, default=5, help="timed samples per workload")
    parser.add_argument("--quick", action="store_true", help="lengths / 10, a smoke run")
    parser.add_argument("--no-pytensor", action="store_true")
    parser.add_argument("--cpu", type=int, help="the core to pin to (default: the last one)")
    parser.add_argument("--json", type=Path, help="also write every worker's answer here")
    options = parser.parse_args(argv)
    options.workloads = options.workloads.split(",")
    options.modes = options.modes.split(",")
    for name, chosen, known in (
        ("workload", options.workloads, SIZES["full"]),
        ("mode", options.modes, BACKENDS),
    ):
        unknown = [x for x in chosen if x not in known]
        if unknown:
            parser.error(f"unknown {name} {', '.join(unknown)}; choose from {', '.join(known)}")
    return options


def main() -> None:
    from table import machine_lines, table_lines

    options = parse()
    cpu = pin_to_one_core(options.cpu)
    env = benchmark_env()
    subjects = [Subject("NumPy", sys.executable, "workloads.py")]
    # The tensorlab of this working tree, whatever the virtualenv has installed.
    tree = {"PYTHONPATH": str(HERE.parent)}
    subjects += [
        Subject(f"tensorlab {mode}", sys.executable, "tensorlab_workloads.py", mode, tree)
        for mode in options.modes
    ]
    missing_pytensor = not options.no_pytensor and not PYTENSOR_PYTHON.exists()
    if not options.no_pytensor and not missing_pytensor:
        subjects.insert(1, Subject("PyTensor", str(PYTENSOR_PYTHON), "peer_pytensor.py"))
    load = os.getloadavg()
    start = time.perf_counter()
    for subject in subjects:
        measure(subject, options, env)
    elapsed = time.perf_counter() - start
    notes = [
        f"pinned to CPU {cpu}; {', '.join(THREAD_VARIABLES)}=1; "
        f"{' and '.join(BLAS_OVERRIDES)} unset for the benchmark processes"
        + "".join(f" (was {k}={os.environ[k]})" for k in BLAS_OVERRIDES if k in os.environ),
        f"load average {load[0]:.2f} on {os.cpu_count()} CPUs before the run"
        + (
            ": other work was running, so figures are slower and noisier than on an idle machine"
            if load[0] > 0.3
            else ""
        ),
        f"run took {elapsed:.0f} s; repeat={options.repeat}; sizes "
        + ("--quick (lengths / 10)" if options.quick else "full"),
    ]
    if missing_pytensor:
        notes.append(f"PyTensor skipped: {PYTENSOR_PYTHON} is missing; run bench/setup_pytensor.sh")
    print("\n".join(machine_lines(subjects)))
    print()
    print("\n".join(table_lines(subjects, options)))
    print()
    print("\n".join(f"- {note}" for note in notes))
    if options.json:
        raw = {
            s.label: {"about": s.about, **{" ".join(k): v for k, v in s.results.items()}}
            for s in subjects
        }
        options.json.write_text(json.dumps(raw, indent=1))


if __name__ == "__main__":
    main()
