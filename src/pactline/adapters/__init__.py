"""Talk to the world: database, HTTP receivers, the clock. Implements services' ports."""
