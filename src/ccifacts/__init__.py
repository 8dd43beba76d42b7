"""ccifacts: exact, sourced figures of the China-Singapore (Chongqing) Demonstration Initiative
on Strategic Connectivity (CCI), looked up from the command line or from Python. The package
keeps its library (loading, querying, rendering) apart from its command-line interface in
``ccifacts.cli``; importing the package itself costs nothing beyond this module."""

__version__ = "1.0.0"
