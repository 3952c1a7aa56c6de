"""Built-in splat formats; importing this package registers them with the registry."""
