// Pointdesk console: the only script besides htmx (loaded from /console/assets
// under the strict CSP, so no inline handlers). It reports failed htmx
// requests in the page's alert region — htmx does not swap error responses,
// and without this a failed save would look like nothing happened.
(function () {
  'use strict';

  function region() {
    return document.getElementById('request-error');
  }

  function show(message) {
    var el = region();
    if (!el) return;
    el.textContent = message;
    el.hidden = false;
  }

  function messageFrom(xhr) {
    try {
      var body = JSON.parse(xhr.responseText);
      var m = Array.isArray(body.message) ? body.message.join('; ') : body.message;
      if (typeof m === 'string' && m) return m;
    } catch (e) {
      // Not JSON: fall through to a generic message.
    }
    return 'The request failed (' + xhr.status + '). Reload the page and try again.';
  }

  document.addEventListener('htmx:beforeRequest', function () {
    var el = region();
    if (el) { el.hidden = true; el.textContent = ''; }
  });
  document.addEventListener('htmx:responseError', function (evt) {
    show(messageFrom(evt.detail.xhr));
  });
  document.addEventListener('htmx:sendError', function () {
    show('The server could not be reached. Check the connection and try again; nothing was saved.');
  });

  // A double click must not grant points twice: a plain form is sent once
  // (htmx forms use hx-disabled-elt instead). Forms restored from the
  // back/forward cache may be sent again.
  document.addEventListener('submit', function (evt) {
    var form = evt.target;
    if (!(form instanceof HTMLFormElement) || form.hasAttribute('hx-post')) return;
    if (form.dataset.sent) {
      evt.preventDefault();
      return;
    }
    form.dataset.sent = 'true';
  });
  window.addEventListener('pageshow', function (evt) {
    if (!evt.persisted) return;
    document.querySelectorAll('form[data-sent]').forEach(function (f) { delete f.dataset.sent; });
  });
})();
