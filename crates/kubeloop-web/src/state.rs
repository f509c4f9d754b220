//! The page's state: the editor text and what the engine makes of it.

use kubeloop_engine::{Manifests, parse_manifests};
use std::rc::Rc;
use yew::Reducible;

#[derive(Clone, Debug, PartialEq)]
pub struct PageState {
    pub text: Rc<str>,
    /// The engine's reading of `text`, recomputed on every edit.
    pub manifests: Reading,
}

/// The engine's reading of one text. Compared by identity: every edit makes
/// a new one, and a deep comparison would cost time on every render and
/// bytes in the bundle (an equality impl for every API type).
#[derive(Clone, Debug)]
pub struct Reading(Rc<Manifests>);

impl PartialEq for Reading {
    fn eq(&self, other: &Reading) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for Reading {
    type Target = Manifests;

    fn deref(&self) -> &Manifests {
        &self.0
    }
}

pub enum Action {
    /// The user changed the editor's text.
    Edit(String),
}

impl PageState {
    pub fn new(text: &str) -> Self {
        PageState { text: text.into(), manifests: Reading(Rc::new(parse_manifests(text))) }
    }
}

impl Default for PageState {
    fn default() -> Self {
        PageState::new(kubeloop_engine::DEMO_MANIFESTS)
    }
}

impl Reducible for PageState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Edit(text) if *text == *self.text => self,
            Action::Edit(text) => Rc::new(PageState::new(&text)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_with_the_demo_and_reparses_on_edit() {
        let state = Rc::new(PageState::default());
        assert_eq!(state.manifests.deployments().next().unwrap().spec.replicas, Some(2));
        let edited = state.clone().reduce(Action::Edit(state.text.replace("replicas: 2", "replicas: 5")));
        assert_eq!(edited.manifests.deployments().next().unwrap().spec.replicas, Some(5));
        assert!(edited.manifests.diagnostics.is_empty());
    }

    #[test]
    fn unchanged_text_keeps_the_same_state() {
        let state = Rc::new(PageState::default());
        let same = state.clone().reduce(Action::Edit(state.text.to_string()));
        assert!(Rc::ptr_eq(&state, &same));
    }
}
