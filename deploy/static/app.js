// Pulls a few API resources so a browser check can see them all travel over one HTTP/2 connection.
const out = document.getElementById("out");
Promise.all(["/api/tools", "/api/v1/config", "/version"].map((u) => fetch(u).then((r) => r.status)))
  .then((statuses) => { out.textContent = `api statuses: ${statuses.join(", ")}`; })
  .catch((e) => { out.textContent = `error: ${e}`; });
