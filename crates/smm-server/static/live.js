// Progressive enhancement of the target wizard: while a step is being filled in, the draft is
// saved in the background and the roll-ups and consistency warnings beside the form are redrawn
// from the server's answer. Nothing here is needed: without JavaScript, "Save and check" does the
// same with a page load. The server renders everything; this only moves its HTML into place.
(function () {
  "use strict";
  var form = document.querySelector("form[data-live]");
  var side = document.querySelector("[data-live-region]");
  if (!form || !side || !window.fetch || !window.DOMParser || !window.URLSearchParams) {
    return;
  }
  var status = document.querySelector("[data-live-status]");
  var timer = null;
  var inFlight = null;
  var pending = false;

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function replaceChildren(target, source) {
    while (target.firstChild) {
      target.removeChild(target.firstChild);
    }
    Array.prototype.forEach.call(source.childNodes, function (node) {
      target.appendChild(document.importNode(node, true));
    });
  }

  function save() {
    if (inFlight) {
      pending = true;
      return;
    }
    var data = new URLSearchParams(new FormData(form));
    data.set("go", "save");
    // A background save: the server refuses it if the draft moved past this page's revision.
    data.set("autosave", "1");
    var controller = window.AbortController ? new AbortController() : null;
    inFlight = controller || true;
    say("Saving…");
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined
    })
      .then(function (response) {
        return response.text().then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.querySelector("[data-live-region]");
          if (fresh) {
            replaceChildren(side, fresh);
            var saved = page.querySelector("[data-saved]");
            var here = document.querySelector("[data-saved]");
            if (saved && here) {
              here.textContent = saved.textContent;
            }
            // The next save is based on the revision this one made.
            var revision = page.querySelector("[data-revision]");
            var mine = form.querySelector("[data-revision]");
            if (revision && mine) {
              mine.value = revision.value;
            }
            say(response.ok ? "Draft saved; the summary is up to date."
                            : "Draft saved; some choices still need a reason.");
          } else if (response.status === 409) {
            say("Not saved automatically: this draft was saved elsewhere since this page was " +
                "loaded. “Save and check” keeps what this page shows.");
          } else {
            say("Not saved: " + response.status + ". Use “Save and check”.");
          }
        });
      })
      .catch(function () {
        say("Not saved automatically. Use “Save and check”.");
      })
      .then(function () {
        inFlight = null;
        if (pending) {
          pending = false;
          save();
        }
      });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 500);
  }

  form.addEventListener("change", later);
  form.addEventListener("input", later);
  // A real submit wins: no background save may land after it.
  form.addEventListener("submit", function () {
    window.clearTimeout(timer);
    pending = false;
    if (inFlight && inFlight.abort) {
      inFlight.abort();
    }
  });
})();
