"""Word documents made from the templates in ``resources/templates`` (docxtpl over python-docx).

``desk.documents.notices`` renders the complaint notices and the case file;
``desk.documents.template_builder`` regenerates the default templates. python-docx and docxtpl
are imported only when a document is made, so start-up stays fast."""
