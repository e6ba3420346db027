# Aliases for the two commands of the README.
.PHONY: run test bench
run:
	scripts/run.sh
test:
	scripts/test.sh
bench:
	bench/run.sh
