"""The signed-in home page of each role: the top of the stack, where what the apps below hold is gathered
into "what to do next" (docs/architecture.md). It owns no models."""
