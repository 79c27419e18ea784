"""The desktop app (PySide6). Everything here is a front end over the Qt-free core."""
