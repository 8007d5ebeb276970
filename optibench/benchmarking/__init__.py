"""Performance benchmarks (``optibench bench ...``) and the reference solvers they compare with."""
