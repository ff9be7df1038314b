/**
 * The officer's learning pages: "Học phần của tôi", a module, its lessons and quizzes,
 * attempts and results. Every route acts on the caller's own learner record
 * (`learning.take`); an attempt id of someone else answers 404 like a missing one.
 */
import type { Router } from 'express';
import { conflict, notFound } from '../errors';
import type { Services } from '../http/context';
import { route } from '../http/route';
import { topicLabels, type QuizItem } from '../modules/model';
import { findLearner, learnerRef } from '../progress/learner';
import { allAssignmentsFor, learningYears, loadOfficerYear, myModules } from '../progress/my-modules';
import { completeLesson, findLearnableModule, findProgress, lessonsBefore, startModule, touchItem } from '../progress/service';
import { trainingYear } from '../progress/year';
import { latestVersion } from '../modules/versions';
import { cooldownMs, pastDeadline, quizState, startAttempt, submitOwnAttempt } from '../quizzes/service';
import { packageModel, type ContentPackage } from '../packages/model';
import { renderPlayer, startNewAttempt } from '../playback/open';
import { listAttempts } from './attempt-list';
import { authorizedAttempt, authorizedLearner, homeUnitOf, itemOf, learnerInModule, nextItem, quizOfAttempt, quizSettings, startedModule } from './load';
import { presentAttemptLine, presentItem, presentMyModule, presentOpenAttempt, presentQuizRules, presentResult } from './presenters';
import { attemptParams, itemPageQuery, itemParams, moduleParams, submitForm, yearQuery } from './schema';

export function registerLearningRoutes(router: Router, services: Services): void {
  const { db } = services;

  /** GET /learn?year= — the caller's modules of a year (this year by default), with past years to pick. */
  route(router, services, {
    method: 'get',
    path: '/learn',
    access: 'signed-in',
    input: yearQuery,
    handle: async (ctx) => {
      const now = new Date();
      const current = trainingYear(now);
      const learner = await findLearner(db, ctx.actor, homeUnitOf(ctx));
      if (!learner) {
        // nothing to take without an officer record: say so instead of an empty list
        ctx.authorize('account.self', { id: ctx.actor.id });
        return ctx.res.render('learn/index', { title: 'learn_title', noOfficer: true, year: current, years: [current], current, rows: [] });
      }
      ctx.authorize('learning.take', learnerRef(learner));
      const year = ctx.input.year ?? current;
      // this year (the usual case): its enrolments and progress up to now also give the years
      // with progress, and the assignments of every year the years with assignments
      const known = year === current ? await Promise.all([loadOfficerYear(db, learner.officerId, current), allAssignmentsFor(db, learner)]).then(([rows, assignments]) => ({ ...rows, assignments })) : undefined;
      const [rows, years] = await Promise.all([myModules(db, learner, year, now, known), learningYears(db, learner, current, known && { progress: known.progresses.map((p) => p.year), assignments: known.assignments.map((a) => a.year) })]);
      ctx.res.render('learn/index', { title: 'learn_title', noOfficer: false, year, years, current, rows: rows.map(presentMyModule) });
    },
  });

  /** GET /learn/modules/:moduleId?year= — the module: its items, progress and a start / continue button. */
  route(router, services, {
    method: 'get',
    path: '/learn/modules/:moduleId',
    access: 'signed-in',
    input: moduleParams,
    handle: async (ctx) => {
      const learner = await authorizedLearner(ctx);
      const current = trainingYear();
      const year = ctx.input.year ?? current;
      // a module archived after the officer started it stays readable in their history
      const started = await startedModule(db, learner, ctx.input.moduleId, year);
      const version = started?.version ?? (await latestVersion(db, (await findLearnableModule(db, ctx.input.moduleId))._id));
      if (!version) throw notFound('learn_module_not_found');
      const id = ctx.input.moduleId.toHexString();
      const done = started?.progress.doneItems ?? [];
      ctx.res.render('learn/module', {
        title: 'learn_module_title',
        module: { id, code: version.code, title: version.content.title, description: version.content.description, topicLabel: topicLabels[version.content.topic], estimatedMinutes: version.content.estimatedMinutes, version: version.version },
        items: version.content.items.map((item) => presentItem(item, id, done)),
        progress: started && { percent: started.progress.percent, status: started.progress.status, completedAt: started.progress.completedAt, lastItemKey: started.progress.lastItemKey, bestScore: started.progress.bestScore },
        year,
        readOnly: year !== current,
      });
    },
  });

  /** POST /learn/modules/:moduleId/start — makes (or finds) this year's progress record, then opens where to continue. */
  route(router, services, {
    method: 'post',
    path: '/learn/modules/:moduleId/start',
    access: 'signed-in',
    input: moduleParams,
    handle: async (ctx) => {
      const learner = await authorizedLearner(ctx);
      const now = new Date();
      const progress = await startModule(db, learner, ctx.input.moduleId, trainingYear(now), now);
      const id = ctx.input.moduleId.toHexString();
      ctx.res.redirect(303, progress.lastItemKey ? `/learn/modules/${id}/items/${progress.lastItemKey}` : `/learn/modules/${id}`);
    },
  });

  /** GET /learn/modules/:moduleId/items/:itemKey[?sco=] — a lesson, a quiz's rules and the officer's attempts, or a package in its player. */
  route(router, services, {
    method: 'get',
    path: '/learn/modules/:moduleId/items/:itemKey',
    access: 'signed-in',
    input: itemPageQuery,
    handle: async (ctx) => {
      const { officerId, now, id, started } = await learnerInModule(ctx);
      if (!started) return ctx.res.redirect(303, `/learn/modules/${id}`);
      const { progress, version } = started;
      const item = itemOf(version, ctx.input.itemKey);
      await touchItem(db, progress, item.key);
      const next = nextItem(version, item.key);
      const common = { moduleId: id, moduleTitle: version.content.title, percent: progress.percent, next: next && presentItem(next, id, progress.doneItems), done: progress.doneItems.includes(item.key) };
      if (item.kind === 'lesson') {
        // the service worker keeps pages marked so for offline reading (public/sw.js); quiz pages never are
        ctx.res.set('X-Offline-Reading', 'lesson');
        return ctx.res.render('learn/lesson', { title: 'learn_lesson_title', ...common, lesson: { key: item.key, title: item.title, body: item.body, attachments: item.attachments ?? [] } });
      }
      if (item.kind === 'package') {
        const record = await packageModel(db).findById(item.packageId).lean<ContentPackage>();
        if (!record) throw notFound('playback_item_package_missing');
        const context = { moduleId: progress.moduleId, itemKey: item.key, year: progress.year };
        return renderPlayer(ctx, { record, sco: ctx.input.sco ?? item.sco, officerId, context, pageHref: `/learn/modules/${id}/items/${item.key}`, view: 'learn/package', locals: { ...common, itemTitle: item.title, itemKey: item.key, pageScript: 'package-item' } });
      }
      const settings = quizSettings(services);
      const state = await quizState(db, progress, item, now, settings);
      const lessonsLeft = lessonsBefore(version, progress).map((lesson) => presentItem(lesson, id, progress.doneItems));
      ctx.res.render('learn/quiz', {
        title: 'learn_quiz_title',
        ...common,
        quiz: { key: item.key, title: item.title, rules: presentQuizRules(item, cooldownMs(item, settings) / 1000) },
        state: {
          open: state.open ? state.open._id.toHexString() : null,
          passed: state.passed ? state.passed._id.toHexString() : null,
          left: state.left,
          cooldownSeconds: state.cooldownUntil ? Math.ceil((state.cooldownUntil.getTime() - now.getTime()) / 1000) : 0,
        },
        attempts: (await listAttempts(db, progress, item.key)).map(presentAttemptLine),
        lessonsLeft,
      });
    },
  });

  /**
   * POST /learn/modules/:moduleId/items/:itemKey/new-attempt[?sco=] — "Học lại từ đầu": a
   * package item whose completed attempt is shown for review starts attempt n+1, then its page.
   */
  route(router, services, {
    method: 'post',
    path: '/learn/modules/:moduleId/items/:itemKey/new-attempt',
    access: 'signed-in',
    input: itemPageQuery,
    handle: async (ctx) => {
      const { officerId, id, started } = await learnerInModule(ctx);
      if (!started) return ctx.res.redirect(303, `/learn/modules/${id}`);
      const item = itemOf(started.version, ctx.input.itemKey);
      const page = `/learn/modules/${id}/items/${item.key}${ctx.input.sco ? `?sco=${encodeURIComponent(ctx.input.sco)}` : ''}`;
      // a lesson or a quiz has no package attempt to start: its page, as it is
      if (item.kind !== 'package') return ctx.res.redirect(303, page);
      const record = await packageModel(db).findById(item.packageId).lean<ContentPackage>();
      if (!record) throw notFound('playback_item_package_missing');
      const sco = ctx.input.sco ?? item.sco;
      await startNewAttempt(ctx, { record, sco, officerId, context: { moduleId: started.progress.moduleId, itemKey: item.key, year: started.progress.year } });
      ctx.res.redirect(303, page);
    },
  });

  /**
   * GET /learn/modules/:moduleId/items/:itemKey/state → `{done, percent}`: what a package
   * item's page shows of the module's progress, fetched by public/js/package-item.js when
   * the player says the package reported progress (the page updates without a reload).
   */
  route(router, services, {
    method: 'get',
    path: '/learn/modules/:moduleId/items/:itemKey/state',
    access: 'signed-in',
    input: itemParams,
    handle: async (ctx) => {
      const { started } = await learnerInModule(ctx);
      if (!started) throw notFound('learn_module_not_found');
      const item = itemOf(started.version, ctx.input.itemKey);
      ctx.res.setHeader('Cache-Control', 'no-store');
      ctx.res.json({ done: started.progress.doneItems.includes(item.key), percent: started.progress.percent });
    },
  });

  /** POST /learn/modules/:moduleId/items/:itemKey/done — "Đã học xong bài này": the lesson counts, then on to the next item. */
  route(router, services, {
    method: 'post',
    path: '/learn/modules/:moduleId/items/:itemKey/done',
    access: 'signed-in',
    input: itemParams,
    handle: async (ctx) => {
      const { now, id, started } = await learnerInModule(ctx);
      if (!started) return ctx.res.redirect(303, `/learn/modules/${id}`);
      const progress = await completeLesson(db, started.progress, started.version, ctx.input.itemKey, now);
      const next = nextItem(started.version, ctx.input.itemKey);
      ctx.res.redirect(303, next && progress.status !== 'completed' ? `/learn/modules/${id}/items/${next.key}` : `/learn/modules/${id}`);
    },
  });

  /** POST /learn/modules/:moduleId/items/:itemKey/attempts — starts an attempt, or resumes the open one. */
  route(router, services, {
    method: 'post',
    path: '/learn/modules/:moduleId/items/:itemKey/attempts',
    access: 'signed-in',
    input: itemParams,
    handle: async (ctx) => {
      const { now, id, started } = await learnerInModule(ctx);
      if (!started) return ctx.res.redirect(303, `/learn/modules/${id}`);
      const item = itemOf(started.version, ctx.input.itemKey);
      if (item.kind !== 'quiz') return ctx.res.redirect(303, `/learn/modules/${id}/items/${item.key}`);
      if (lessonsBefore(started.version, started.progress).length) throw conflict('learn_lessons_first');
      const { attempt } = await startAttempt(db, started.progress, item, now, quizSettings(services));
      ctx.res.redirect(303, `/learn/attempts/${attempt._id.toHexString()}`);
    },
  });

  /** GET /learn/attempts/:attemptId — the answering page while open; the result (and review, if allowed) once submitted. */
  route(router, services, {
    method: 'get',
    path: '/learn/attempts/:attemptId',
    access: 'signed-in',
    input: attemptParams,
    handle: async (ctx) => {
      let attempt = await authorizedAttempt(ctx);
      const now = new Date();
      const settings = quizSettings(services);
      const quiz = await quizOfAttempt(db, attempt);
      const moduleId = attempt.moduleId.toHexString();
      const back = `/learn/modules/${moduleId}/items/${attempt.itemKey}`;
      // a phone that slept past the deadline: the attempt closes with what was saved in time
      if (attempt.status === 'open' && pastDeadline(attempt, now, settings)) attempt = await submitOwnAttempt(db, attempt, null, quiz, now, settings);
      if (attempt.status === 'open') {
        return ctx.res.render('learn/attempt', { title: 'learn_attempt_title', pageScript: 'quiz', quizTitle: quiz.title, back, attempt: presentOpenAttempt(attempt), serverNow: now });
      }
      const progress = await findProgress(db, attempt.officerId, attempt.moduleId, attempt.year);
      const state = progress ? await quizState(db, progress, quiz, now, settings) : null;
      const review = quiz.review === 'after-submit' || (quiz.review === 'after-pass' && (attempt.passed === true || (state?.passed ?? null) !== null));
      ctx.res.render('learn/result', {
        title: 'learn_result_title',
        quizTitle: quiz.title,
        passPercent: quiz.passPercent,
        back,
        moduleHref: `/learn/modules/${moduleId}`,
        result: presentResult(attempt, review),
        reviewPolicy: quiz.review,
        progress: progress && { percent: progress.percent, completed: progress.status === 'completed' },
        cooldownSeconds: state?.cooldownUntil ? Math.ceil((state.cooldownUntil.getTime() - now.getTime()) / 1000) : 0,
        canRetry: state !== null && !state.passed && state.left !== 0,
      });
    },
  });

  /** POST /learn/attempts/:attemptId/submit — the form's answers (no JavaScript needed), scored once; then the result page. */
  route(router, services, {
    method: 'post',
    path: '/learn/attempts/:attemptId/submit',
    access: 'signed-in',
    input: submitForm,
    handle: async (ctx) => {
      const attempt = await authorizedAttempt(ctx);
      const quiz: QuizItem = await quizOfAttempt(db, attempt);
      await submitOwnAttempt(db, attempt, ctx.input.answers, quiz, new Date(), quizSettings(services));
      ctx.res.redirect(303, `/learn/attempts/${attempt._id.toHexString()}`);
    },
  });
}
