// Linked against exactly one layer library (whole archive) and the layers below it: building this
// program is the test. Running it only confirms the static initialisers of the layer are sound.
int main() { return 0; }
