/* global H5P, document */
/*
 * H5P.VHCVQuestion 1.0 (machine name in the H5P namespace: H5P looks the constructor up as H5P.<last part of the name>) — an H5P content type written for this project (no third-party H5P
 * code): a short multiple-choice quiz. Its state (the answers, whether submitted) is
 * saved through getCurrentState and given back as extras.previousState; on submit it
 * sends an xAPI "answered" statement with the score, and "completed".
 */
H5P.VHCVQuestion = (function (EventDispatcher) {
  'use strict';

  function Question(params, contentId, extras) {
    EventDispatcher.call(this);
    this.params = params || {};
    this.contentId = contentId;
    var previous = (extras && extras.previousState) || {};
    this.answers = previous.answers || {};
    this.submitted = previous.submitted === true;
  }
  Question.prototype = Object.create(EventDispatcher.prototype);
  Question.prototype.constructor = Question;

  Question.prototype.getCurrentState = function () {
    return { answers: this.answers, submitted: this.submitted };
  };

  Question.prototype.getScore = function () {
    var answers = this.answers;
    return (this.params.questions || []).filter(function (q, i) {
      return String(answers[i]) === String(q.correct);
    }).length;
  };

  Question.prototype.getMaxScore = function () {
    return (this.params.questions || []).length;
  };

  // arrow functions below keep `this` (the instance) inside event handlers
  Question.prototype.attach = function ($container) {
    var root = document.createElement('div');
    root.className = 'vhcv-question';
    var intro = document.createElement('p');
    intro.textContent = this.params.intro || '';
    root.appendChild(intro);
    var form = document.createElement('form');
    (this.params.questions || []).forEach((q, i) => {
      var fieldset = document.createElement('fieldset');
      var legend = document.createElement('legend');
      legend.textContent = (i + 1) + '. ' + q.text;
      fieldset.appendChild(legend);
      q.options.forEach((option, j) => {
        var label = document.createElement('label');
        var input = document.createElement('input');
        input.type = 'radio';
        input.name = 'vhcv-q' + i;
        input.value = String(j);
        input.checked = String(this.answers[i]) === String(j);
        input.disabled = this.submitted;
        input.addEventListener('change', () => {
          this.answers[i] = j;
        });
        label.appendChild(input);
        label.appendChild(document.createTextNode(' ' + option));
        fieldset.appendChild(label);
      });
      form.appendChild(fieldset);
    });
    var button = document.createElement('button');
    button.type = 'submit';
    button.textContent = 'Nộp bài';
    button.disabled = this.submitted;
    form.appendChild(button);
    var result = document.createElement('p');
    result.className = 'vhcv-result';
    result.setAttribute('role', 'status');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (this.submitted) return;
      this.submitted = true;
      var score = this.getScore();
      var max = this.getMaxScore();
      var passed = score >= (this.params.passMark || max);
      result.textContent = (passed ? 'Đạt' : 'Chưa đạt') + ': ' + score + '/' + max + ' câu đúng.';
      Array.prototype.forEach.call(form.querySelectorAll('input, button'), function (el) {
        el.disabled = true;
      });
      this.triggerXAPIScored(score, max, 'answered', true, passed);
      this.triggerXAPIScored(score, max, 'completed', true, passed);
    });
    root.appendChild(form);
    root.appendChild(result);
    if (this.submitted) result.textContent = 'Đã nộp bài: ' + this.getScore() + '/' + this.getMaxScore() + ' câu đúng.';
    var container = $container && $container.get ? $container.get(0) : $container;
    container.appendChild(root);
  };

  return Question;
})(H5P.EventDispatcher);
