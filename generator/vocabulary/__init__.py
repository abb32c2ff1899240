"""Domain facts of the Bitrix24 REST API decided once, for every stage after the reader.

``writes``: whether a method changes the portal's state and whether it may be sent twice.
``types``: what each docs type means on input and output (SDK, OpenAPI, emulator, events).
"""
