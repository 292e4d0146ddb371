"""One module per screen. Screens never import each other's registry or the App: a screen
that opens another event screen posts `OpenEventScreen`, and the App looks the screen up in
`registry.py`.
"""
