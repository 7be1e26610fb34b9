// Start GOV.UK Frontend's and MOJ Frontend's components (both served by the app: issue 26).
import { initAll as govuk } from '/ui/govuk/govuk-frontend.min.js'
import { initAll as moj } from '/ui/moj/moj-frontend.min.js'

govuk()
moj()
