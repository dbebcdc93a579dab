// The print view's button: the browser's print dialog (the page's print stylesheet lays it out).
document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
