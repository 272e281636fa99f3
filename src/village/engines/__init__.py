"""Pure-Python engines: plain functions and dataclasses, no Django anywhere below here."""
