// Files shown going up (issue 27: "progress shown"). A form with `data-upload-to` sends its
// chosen files there first, with a progress bar and words a screen reader hears; the
// files then travel as references and the form is sent as it would be without
// JavaScript. If the upload is refused or fails, the form is sent with its files as it
// is, so the server's own error summary says what was wrong: nothing is lost either way.
export function uploadProgress (form) {
  const input = form.querySelector('input[type=file]')
  const box = form.querySelector('.app-upload-progress')
  if (!input || !box) return
  const bar = box.querySelector('progress')
  const said = box.querySelector('[role=status]')

  form.addEventListener('submit', (event) => {
    if (!input.files.length || form.dataset.uploaded) return
    event.preventDefault()
    const data = new FormData()
    data.append('csrf', form.elements.csrf.value)
    for (const file of input.files) data.append('documents', file)
    for (const kept of form.querySelectorAll('input[name=document]')) data.append('document', kept.value)
    box.hidden = false
    said.textContent = 'Uploading your files. Please wait.'
    const request = new XMLHttpRequest()
    request.open('POST', form.dataset.uploadTo)
    request.setRequestHeader('accept', 'application/json')
    request.upload.addEventListener('progress', (progress) => {
      if (!progress.lengthComputable) return
      const percent = Math.round((100 * progress.loaded) / progress.total)
      bar.value = percent
      said.textContent = `Uploading your files: ${percent}%`
    })
    const sendAsItIs = () => {
      form.dataset.uploaded = 'no'
      form.submit()
    }
    request.addEventListener('error', sendAsItIs)
    request.addEventListener('load', () => {
      // Anything but our JSON (a refusal, or a sign-in page after the session ran out):
      // the form goes as it is, and the page that answers says what to do.
      const type = request.getResponseHeader('content-type') || ''
      if (request.status !== 200 || !type.includes('application/json')) return sendAsItIs()
      let kept
      try {
        kept = JSON.parse(request.responseText).kept
      } catch {
        return sendAsItIs()
      }
      for (const old of form.querySelectorAll('input[name=document]')) old.remove()
      for (const document of kept) {
        const reference = window.document.createElement('input')
        reference.type = 'hidden'
        reference.name = 'document'
        reference.value = document.sha256
        form.append(reference)
      }
      bar.value = 100
      said.textContent = `Uploaded ${kept.length} ${kept.length === 1 ? 'file' : 'files'}. Sending your answers.`
      input.value = ''
      form.dataset.uploaded = 'yes'
      form.submit()
    })
    request.send(data)
  })
}
