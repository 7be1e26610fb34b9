// Start GOV.UK Frontend's and MOJ Frontend's components (both served by the app: issue 26).
import { initAll as govuk } from '/ui/govuk/govuk-frontend.min.js'
import { initAll as moj } from '/ui/moj/moj-frontend.min.js'
import { uploadProgress } from '/ui/static/upload.mjs'

govuk()
moj()
for (const form of document.querySelectorAll('form[data-upload-to]')) uploadProgress(form)

// A form sent back with errors is shown at the address it was sent to; the address bar is
// put back to the page's own, so reloading never sends the form again (issue 26).
const canonical = document.body.dataset.canonical
if (canonical && window.location.pathname !== canonical) {
  window.history.replaceState(null, '', canonical + window.location.hash)
}
