"""The e-service form engine: a version's `form` JSON parsed into a
`FormDefinition` (definition), answers cleaned and checked (answers), HTML
form posts read (post), the digital ID's data filled in (prefill), and fields
and answers rendered (render). The citizen's pages, the officer's pages, the
builder and the API all go through it."""
