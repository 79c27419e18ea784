"""Chain-of-custody reports: gather a scope's data, write HTML/PDF/JSON/CSV with a manifest, re-check exports.

Front ends use :func:`~.export.export_report` (with :class:`~.scope.Scope` and
:class:`~.export.ExportOptions`) and :func:`~.check.check_export`. See ``docs/reports.md``.
"""
