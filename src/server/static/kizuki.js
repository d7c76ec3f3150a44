// SPDX-License-Identifier: MIT
// Progressive enhancement only: every page works without this file.
// Forms marked data-confirm ask before they are sent.
document.addEventListener('submit', function (ev) {
  var msg = ev.target.getAttribute('data-confirm');
  if (msg && !window.confirm(msg)) ev.preventDefault();
});
