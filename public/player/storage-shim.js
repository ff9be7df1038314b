/*
 * Player pages run in a frame of another site (the platform). Where the browser denies
 * such a frame its localStorage (third-party storage blocked), reading window.localStorage
 * throws, and H5P reads it unguarded (its clipboard, its anonymous actor). An in-memory
 * stand-in for this page keeps the content working; nothing the platform needs is kept there.
 */
(function () {
  'use strict';
  try {
    if (window.localStorage) return;
  } catch (e) {
    /* denied: replaced below */
  }
  var items = {};
  var memory = {
    getItem: function (key) {
      return Object.prototype.hasOwnProperty.call(items, key) ? items[key] : null;
    },
    setItem: function (key, value) {
      items[key] = String(value);
    },
    removeItem: function (key) {
      delete items[key];
    },
    clear: function () {
      items = {};
    },
    key: function (i) {
      return Object.keys(items)[i] || null;
    },
    get length() {
      return Object.keys(items).length;
    },
  };
  try {
    Object.defineProperty(window, 'localStorage', { value: memory, configurable: true });
  } catch (e) {
    /* the browser would not let it be replaced: content that needs storage may fail */
  }
})();
