/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ide.server;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.eclipse.emf.common.util.URI;
import org.eclipse.lsp4j.WorkspaceFolder;
import org.eclipse.xtext.ide.server.MultiRootWorkspaceConfigFactory;
import org.eclipse.xtext.workspace.IProjectConfig;
import org.eclipse.xtext.workspace.ISourceFolder;
import org.eclipse.xtext.workspace.IWorkspaceConfig;

/**
 * One project per workspace folder, as Xtext makes them, plus one for every file that lies in no
 * folder: a single file opened outside a project (an editor started without a root, which the
 * protocol allows) or beside the folders. That project has no source folders, so nothing is
 * scanned for it; it holds only the documents the client opens. Without it Xtext's workspace has
 * no project for such a file, and opening it fails.
 */
public class LooseFilesWorkspaceConfigFactory extends MultiRootWorkspaceConfigFactory {

    /** The name of the project of files outside the workspace folders. */
    public static final String LOOSE_FILES = "(files outside the workspace folders)";

    @Override
    public IWorkspaceConfig getWorkspaceConfig(List<WorkspaceFolder> workspaceFolders) {
        return new WithLooseFiles(super.getWorkspaceConfig(workspaceFolders));
    }

    private static final class WithLooseFiles implements IWorkspaceConfig {

        private final IWorkspaceConfig folders;
        private final LooseFiles loose = new LooseFiles(this);

        WithLooseFiles(IWorkspaceConfig folders) {
            this.folders = folders;
        }

        @Override
        public Set<? extends IProjectConfig> getProjects() {
            Set<IProjectConfig> all = new LinkedHashSet<>(folders.getProjects());
            all.add(loose);
            return all;
        }

        @Override
        public IProjectConfig findProjectContaining(URI member) {
            IProjectConfig p = member == null ? null : folders.findProjectContaining(member);
            return p != null && folders.getProjects().contains(p) ? p : loose;
        }

        @Override
        public IProjectConfig findProjectByName(String name) {
            return LOOSE_FILES.equals(name) ? loose : folders.findProjectByName(name);
        }
    }

    private record LooseFiles(IWorkspaceConfig workspace) implements IProjectConfig {

        private static final URI PATH = URI.createURI("tdpscope-loose-files:/");

        @Override
        public String getName() {
            return LOOSE_FILES;
        }

        @Override
        public URI getPath() {
            return PATH;
        }

        @Override
        public Set<? extends ISourceFolder> getSourceFolders() {
            return Set.of();
        }

        @Override
        public ISourceFolder findSourceFolderContaining(URI member) {
            return null;
        }

        @Override
        public IWorkspaceConfig getWorkspaceConfig() {
            return workspace;
        }
    }
}
