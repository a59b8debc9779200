"""The layout stage: Page + Template (+ an output preset) → frozen values the backends only translate.

`model` holds the scene vocabulary (Scene, TextBox, ImageBox, Shape, QR, Math); `text` places fitted
lines in a box; `social` and `card` build the Scenes of social images and card sides from the template's
layer lists; `imposition` places cards on sheets. Which text a layer's `field = "…"` shows is
`cardgen.fields`.
"""
