"""What files say about themselves: EXIF, XMP, container tags, sidecars, file names."""
