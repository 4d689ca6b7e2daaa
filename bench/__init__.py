"""KYC benchmarks: `make bench` (python -m bench). Figures and a JSON report, not tests."""
