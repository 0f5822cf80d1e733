"""Old name of :mod:`spinlens.train.propaganda_linear`, kept only while in-flight code moves
over; import ``propaganda_linear`` instead."""

from spinlens.train.propaganda_linear import *  # noqa: F403
