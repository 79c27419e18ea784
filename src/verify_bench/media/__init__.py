"""Decoding media: sniffing types, images, videos, perceptual hashes, thumbnails."""
