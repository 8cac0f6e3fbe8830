// Starts Swagger UI on /api/docs; a file of its own because the page allows no inline script.
const root = document.getElementById("swagger-ui");
window.ui = SwaggerUIBundle({
  url: root.dataset.openapiUrl,
  dom_id: "#swagger-ui",
  deepLinking: true,
  // the default validator badge would call validator.swagger.io
  validatorUrl: null,
});
