// The API's documentation page, from swagger-ui-dist served by the app (no CDN: issue 26).
window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true })
