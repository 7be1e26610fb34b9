// GOV.UK Frontend's first line, in a file of its own: the pages' CSP allows no inline script.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
