// Deleting asks first: "Delete" opens the page's dialog, whose form posts to that post's delete
// address. Without this script the link opens a page that asks the same.
(function () {
  "use strict";

  var dialog = document.getElementById("delete-dialog");
  if (!dialog || typeof dialog.showModal !== "function") {
    return;
  }
  var form = dialog.querySelector("form");
  var opener = null;
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.delete-link");
    if (!link) {
      return;
    }
    event.preventDefault();
    opener = link;
    form.action = link.getAttribute("href");
    dialog.showModal();
  });
  dialog.querySelector("[data-close-dialog]").addEventListener("click", function () {
    dialog.close();
  });
  dialog.addEventListener("close", function () {
    if (opener) {
      opener.focus();
    }
  });
})();

// Inline replies: "Reply" opens a copy of the page's reply form under the post, so replying
// needs no page load. Without this script the link opens the reply page instead.
(function () {
  "use strict";

  var template = document.querySelector(".reply-panel form.reply-form");
  if (!template) {
    return;
  }
  var copies = 0;

  function openInlineForm(link) {
    var postId = link.getAttribute("data-reply-to");
    var article = link.closest("article, section.post");
    var existing = document.getElementById("inline-reply-" + postId);
    if (existing) {
      existing.querySelector("textarea").focus();
      return;
    }
    copies += 1;
    var form = template.cloneNode(true);
    form.id = "inline-reply-" + postId;
    form.action = link.getAttribute("href");
    form.classList.add("inline-reply");
    // Give every copied field its own id, and keep labels and descriptions pointing at it.
    form.querySelectorAll("[id]").forEach(function (element) {
      var oldId = element.id;
      var newId = oldId + "-" + copies;
      element.id = newId;
      form.querySelectorAll('label[for="' + oldId + '"]').forEach(function (label) {
        label.htmlFor = newId;
      });
      form.querySelectorAll('[aria-describedby~="' + oldId + '"]').forEach(function (field) {
        var ids = field.getAttribute("aria-describedby").split(" ");
        field.setAttribute("aria-describedby", ids.map(function (id) {
          return id === oldId ? newId : id;
        }).join(" "));
      });
    });
    form.querySelectorAll(".form-errors, .field-error").forEach(function (element) {
      element.remove();
    });
    var textarea = form.querySelector("textarea");
    textarea.value = "";
    form.querySelectorAll('input[type="text"]').forEach(function (input) {
      input.value = "";
    });
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "link-button";
    cancel.textContent = "Cancel";
    cancel.addEventListener("click", function () {
      form.remove();
      link.focus();
    });
    form.appendChild(cancel);
    article.insertAdjacentElement("afterend", form);
    textarea.focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.reply-link");
    if (!link) {
      return;
    }
    event.preventDefault();
    openInlineForm(link);
  });
})();
