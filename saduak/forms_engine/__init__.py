"""The form engine (e-service forms, report forms): a `form` JSON parsed into
a `FormDefinition` (definition), answers cleaned and checked (answers), HTML
form posts read (post), and fields and answers rendered (render); and the form
editor any app hosts: pure editing operations on a definition (editing), its
Django forms (editor_forms) and its host-based pages (editor_views,
templates/forms_engine/editor/). The citizen's pages, the officer's pages,
the builders and the API all go through it."""
