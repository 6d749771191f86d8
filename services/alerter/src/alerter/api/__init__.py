"""HTTP adapters: the FastAPI app, GraphQL (strawberry), the signed acknowledgement link."""
