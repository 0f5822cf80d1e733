"""Training code for shipped models.

Needs the ``train`` extra (torch, transformers); never imported at run time.
"""
