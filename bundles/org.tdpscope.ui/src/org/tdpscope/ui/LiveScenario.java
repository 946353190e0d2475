/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.eclipse.jface.text.DocumentEvent;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.IDocumentListener;
import org.eclipse.swt.widgets.Display;

/**
 * The scenario of the active editor, which every view shows: the one loop between the editor and the
 * views. It is told (by {@link EditorFollower} in the workbench, by tests directly) which document is
 * active, when it is saved and when it is closed; it watches the document's text and publishes a
 * {@link Source} when the views should (re)run: a switch to another editor, a save, and, after a pause
 * in typing of {@link #TYPING_DELAY_MS}, the text being typed. UI thread only.
 */
public final class LiveScenario {

    /** Why a scenario is (re)run. */
    public enum Reason {
        /** Opened from a file (no editor text). */
        OPENED,
        /** Another editor became active. */
        SWITCHED,
        /** The editor was saved. */
        SAVED,
        /** Typing paused; the text may not load yet. */
        TYPED
    }

    /** What to run: the editor's file, a name for messages, its text (null: read the file). */
    public record Source(Path file, String name, String text, Reason reason) {
    }

    /** The pause in typing after which the text is run. */
    public static final int TYPING_DELAY_MS = 700;

    private static LiveScenario instance;

    private final Display display;
    private final List<Consumer<Source>> listeners = new CopyOnWriteArrayList<>();
    private final Runnable typed = this::typingPaused;
    private final IDocumentListener documentListener = new IDocumentListener() {
        @Override
        public void documentAboutToBeChanged(DocumentEvent event) {
        }

        @Override
        public void documentChanged(DocumentEvent event) {
            display.timerExec(TYPING_DELAY_MS, typed); // restarts the delay
        }
    };
    private IDocument document;
    private Path file;
    private Source current;
    private String lastPublished;

    public LiveScenario(Display display) {
        this.display = display;
    }

    /** The workbench's loop (one window, one loop), made on first use. */
    public static LiveScenario get() {
        if (instance == null) {
            instance = new LiveScenario(Display.getDefault());
        }
        return instance;
    }

    /** Listens for scenarios to run; if one is active, hears it at once. */
    public void listen(Consumer<Source> l) {
        listeners.add(l);
        if (current != null) {
            l.accept(new Source(current.file(), current.name(), current.text(), Reason.SWITCHED));
        }
    }

    public void unlisten(Consumer<Source> l) {
        listeners.remove(l);
    }

    /** The scenario shown last, or null. */
    public Source current() {
        return current;
    }

    /** The file of the active scenario, or null. */
    public Path file() {
        return file;
    }

    /**
     * An editor on {@code file} became active: its document is followed from now on and run (unless it
     * is the one followed already).
     */
    public void activated(Path file, IDocument doc) {
        if (doc == document) {
            return;
        }
        detach();
        this.document = doc;
        this.file = file;
        doc.addDocumentListener(documentListener);
        publish(Reason.SWITCHED);
    }

    /** A scenario opened without an editor (e.g. from the Roots view's Open Scenario...). */
    public void opened(Path file) {
        detach();
        this.file = file;
        current = new Source(file, file.toString(), null, Reason.OPENED);
        lastPublished = null;
        for (Consumer<Source> l : listeners) {
            l.accept(current);
        }
    }

    /** The followed editor was saved: re-run its text. */
    public void saved(IDocument doc) {
        if (doc == document) {
            display.timerExec(-1, typed);
            publish(Reason.SAVED);
        }
    }

    /** An editor was closed: stop following its document (the views keep the run they show). */
    public void closed(IDocument doc) {
        if (doc == document) {
            detach();
        }
    }

    private void detach() {
        if (document != null) {
            document.removeDocumentListener(documentListener);
            display.timerExec(-1, typed);
        }
        document = null;
    }

    private void typingPaused() {
        if (document != null && !document.get().equals(lastPublished)) {
            publish(Reason.TYPED);
        }
    }

    private void publish(Reason why) {
        String text = document.get();
        lastPublished = text;
        current = new Source(file, file == null ? "<scenario>" : file.toString(), text, why);
        for (Consumer<Source> l : listeners) {
            l.accept(current);
        }
    }
}
