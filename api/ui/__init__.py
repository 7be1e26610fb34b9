"""The people's pages (issue 12): sign in, my tasks, my team, a case with forms for what
I may do now. Server-rendered with Jinja2 and htmx, every asset served from here."""
