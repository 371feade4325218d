#!/usr/bin/env bash
# Run every benchmark (benchmarks/bench_*.py) one after another on an otherwise idle machine
# and collect their markdown tables into benchmarks/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH" MPLBACKEND=Agg MLNOTES_PROGRESS=0
mkdir -p benchmarks/results
over=()
for b in benchmarks/bench_*.py; do
  echo "== $b"
  python "$b" || over+=("$b")   # a script exits 1 when a budget is missed; keep its table
done
{
  echo "# Benchmark results"
  echo
  echo "Machine: $(nproc) CPU cores, $(python -c 'import platform; print(platform.processor() or platform.machine())'); $(date -u +%Y-%m-%d)."
  echo
  for f in benchmarks/results/*.md; do cat "$f"; echo; done
} > benchmarks/results.md
echo "wrote benchmarks/results.md"
if [ ${#over[@]} -gt 0 ]; then
  echo "over budget: ${over[*]}"
  exit 1
fi
